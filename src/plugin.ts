// What a feature plugs into the core: its chat commands and its scheduled jobs. The core never
// imports a feature; src/features.ts lists the installed ones and the entry points pass that
// list to createApp (Koishi's plug-ins, reduced to what this service needs).
import type { CommandDef } from './commands/registry.ts';
import type { JobDef } from './scheduling/job.ts';

export interface Feature {
  /** A short English id, for logs and the install list. */
  name: string;
  commands?: CommandDef<any>[];
  jobs?: JobDef<any>[];
}
