/**
 * A tenant's step that no attempt can carry out (the tenant is not ready, this worker's
 * migrations are not the rollout's): it fails at once, its remaining attempts unspent.
 */
export class StepRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepRefusedError';
  }
}
