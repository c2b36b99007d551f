import { modemUrcs } from '../modem/profiles.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { replayTranscript, type ReplayEvent } from '../at/replay.js';
import { parseAnyTranscript } from '../transcript/trace-jsonl.js';
import { escapeBytes } from '../transcript/transcript.js';
import { EXIT, fail } from './exit-codes.js';

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('replay an AT transcript or trace through the AT layer and print the frames, URC events and command results')
    .argument('<file>', 'a transcript (fixtures/transcripts format) or a JSON-lines trace from smsbridge run --trace (docs/trace.md)')
    .option('--json', 'print one JSON object per event instead of text')
    .action(async (file: string, options: { json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        return fail(EXIT.USAGE, `cannot read ${file}: ${(error as Error).message}`);
      }
      let transcript;
      try {
        transcript = parseAnyTranscript(text);
      } catch (error) {
        return fail(EXIT.USAGE, `${file}: ${(error as Error).message}`);
      }
      const result = await replayTranscript(transcript, { urcs: modemUrcs() });
      if (transcript.title && !options.json) console.log(`# ${transcript.title}`);
      for (const event of result.events) console.log(options.json ? JSON.stringify(toJson(event)) : describe(event));
      for (const mismatch of result.mismatches) console.log(options.json ? JSON.stringify({ mismatch }) : `! mismatch: ${mismatch}`);
      if (result.mismatches.length > 0) process.exitCode = EXIT.FAILURE;
    });
}

function describe(event: ReplayEvent): string {
  switch (event.kind) {
    case 'write':
      return `» ${escapeBytes(event.bytes)}`;
    case 'frame':
      return event.frame.kind === 'line'
        ? `« ${JSON.stringify(event.frame.text)}`
        : event.frame.kind === 'prompt'
          ? '« prompt "> "'
          : `« overflow: dropped ${event.frame.dropped} bytes`;
    case 'urc': {
      const { line: _line, type, ...fields } = event.urc;
      return `  URC ${type} ${JSON.stringify(fields)}`;
    }
    case 'result': {
      const c = event.command;
      return c.error
        ? `= ${c.command} → ${c.error.code}${c.error.number === undefined ? '' : ` ${c.error.number}`}: ${c.error.message}`
        : `= ${c.command} → ${c.response?.final} ${JSON.stringify(c.response?.lines ?? [])}`;
    }
  }
}

function toJson(event: ReplayEvent): object {
  if (event.kind === 'write') return { kind: 'write', bytes: escapeBytes(event.bytes) };
  if (event.kind === 'result') {
    const c = event.command;
    return { kind: 'result', command: c.command, response: c.response, error: c.error && { code: c.error.code, number: c.error.number, message: c.error.message } };
  }
  return event;
}
