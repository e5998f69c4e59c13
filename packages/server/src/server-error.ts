import { AgentOpsError } from 'agentops';

/**
 * Thrown by `startServer()` and the `agentops` command when the local backend cannot start or an
 * operation on its database fails. `code` is stable:
 *
 * - `AGENTOPS_SERVER_REMOTE_HOST`: a host other than loopback without `allowRemote: true`
 * - `AGENTOPS_SERVER_LISTEN`: the port is taken or the address cannot be bound
 * - `AGENTOPS_SERVER_DATABASE`: the database file cannot be opened or is not an agentops database
 * - `AGENTOPS_SERVER_PROJECT`: a project name is empty, too long or already taken
 */
export class AgentOpsServerError extends AgentOpsError {
  constructor(code: 'AGENTOPS_SERVER_REMOTE_HOST' | 'AGENTOPS_SERVER_LISTEN' | 'AGENTOPS_SERVER_DATABASE' | 'AGENTOPS_SERVER_PROJECT', message: string) {
    super(code, message);
  }
}
