import { Event, readFields, type EventInit } from './event';

export interface ToolEventInit extends EventInit {
  /** The tool's name: the span is `execute_tool {name}`. */
  name?: string;
  /** The call id the model gave, to match the call in the LLM's output (`gen_ai.tool.call.id`). */
  toolCallId?: string;
  /** `function`, `extension` or `datastore` (`gen_ai.tool.type`). */
  toolType?: string;
  description?: string;
}

/** One tool call: arguments in `params`, result in `returns`. */
export class ToolEvent extends Event {
  readonly eventType = 'tool' as const;
  name: string | undefined;
  toolCallId: string | undefined;
  toolType: string | undefined;
  description: string | undefined;

  constructor(init?: ToolEventInit) {
    super(init);
    const i = readFields<ToolEventInit>(init, ['name', 'toolCallId', 'toolType', 'description']);
    this.name = i.name;
    this.toolCallId = i.toolCallId;
    this.toolType = i.toolType;
    this.description = i.description;
  }
}
