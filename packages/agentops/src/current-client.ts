/**
 * The one client the module-level functions (`agentops.record()`, `agentops.inject()`, ...) act on:
 * set by `init()`, cleared when that client shuts down. A module of its own so that the Client and
 * those functions can both reach it without importing each other.
 */
import type { Client } from './client';

export let current: Client | undefined;

export function setCurrent(client: Client | undefined): void {
  current = client;
}
