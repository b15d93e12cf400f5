// `wg-policy completion bash|zsh|fish`: a completion script generated from the command definitions.
import type { Command } from 'commander';
import { bashCompletion } from '../completion/bash.js';
import { fishCompletion } from '../completion/fish.js';
import { commandSpec } from '../completion/spec.js';
import { zshCompletion } from '../completion/zsh.js';

const RENDER = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

export async function runCompletion(shell: keyof typeof RENDER, program: Command): Promise<void> {
  process.stdout.write(RENDER[shell](commandSpec(program)));
}
