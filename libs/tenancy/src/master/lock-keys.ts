/**
 * Every advisory lock the service takes in master, in one place so that no two uses ever share
 * a key by accident. Keys are hashed with hashtextextended; they only need to be distinct.
 */
export const LOCK_KEYS = {
  masterMigrations: 'tenancy:master-migrations',
  reconciler: 'tenancy:reconciler',
  /** Re-queues recorded lifecycle operations and marks deleted tenants due for purging. */
  lifecycleReconciler: 'tenancy:lifecycle-reconciler',
  resealLegacyPasswords: 'tenancy:reseal-legacy-passwords',
  /** Gives the running rollouts' tenants their jobs again after a crash, and moves the rollouts along. */
  rolloutReconciler: 'tenancy:rollout-reconciler',
  /** One template builder per tenant database prefix and server. */
  template: (tenantDbPrefix: string, server: string) => `tenancy:template:${tenantDbPrefix}@${server}`,
  /** One warm-pool refiller per tenant database prefix and server. */
  warmPool: (tenantDbPrefix: string, server: string) => `tenancy:pool:${tenantDbPrefix}@${server}`,
} as const;

/** The advisory lock held by whoever changes a tenant's database or role. */
export function tenantLockKey(tenantId: string): string {
  return `tenancy:provision:${tenantId}`;
}
