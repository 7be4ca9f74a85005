/** Thrown where a console page needs a signed-in operator: the console's filter answers with the login page. */
export class LoginRequired extends Error {
  constructor(readonly returnTo: string) {
    super('log in to the console first');
  }
}
