export const MASTER_KNEX = Symbol('MASTER_KNEX');
