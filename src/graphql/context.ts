import type { Services } from '../app/services.ts';
import type { PrismaClient } from '../db/client.ts';
import type { Auth } from '../domain/auth.ts';

export type { Services } from '../app/services.ts';
export type { Auth } from '../domain/auth.ts';

export interface Context {
  auth: Auth;
  services: Services;
  prisma: PrismaClient;
}
