import { Event, readFields, type EventInit } from './event';

export interface ActionEventInit extends EventInit {
  /** What kind of action, e.g. `search` or `plan`: the span is `action {actionType}`. */
  actionType?: string;
  /** Free-form log text of the action (content: recorded only with content capture on). */
  logs?: unknown;
}

/** Something the agent did that is neither an LLM call nor a tool call. */
export class ActionEvent extends Event {
  readonly eventType = 'action' as const;
  actionType: string | undefined;
  logs: unknown;

  constructor(init?: ActionEventInit) {
    super(init);
    const i = readFields<ActionEventInit>(init, ['actionType', 'logs']);
    this.actionType = i.actionType;
    this.logs = i.logs;
  }
}
