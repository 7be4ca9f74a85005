/** The largest capacity the CLI accepts, as the admin api does. */
export const MAX_CAPACITY = 1_000_000;
