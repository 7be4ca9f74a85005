import { PassThrough } from 'node:stream';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { ProgressBar, ProgressLines, SILENT_PROGRESS } from './progress';
import { Terminal } from './terminal';

function captured(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, text: () => chunks.join('') };
}

function terminal(options: { tty?: boolean; ci?: boolean } = {}) {
  const stdout = captured(options.tty);
  const stderr = captured(options.tty);
  return { terminal: new Terminal({ stdout: stdout.stream, stderr: stderr.stream, ci: options.ci ?? false }), stdout, stderr };
}

describe('Terminal', () => {
  it('prints the text for a person and only the JSON document under --json', () => {
    const text = terminal();
    text.terminal.result({}, { data: { a: 1 }, text: 'a is 1' });
    expect(text.stdout.text()).toBe('a is 1\n');
    const json = terminal();
    json.terminal.result({ json: true }, { data: { a: 1 }, text: 'a is 1' });
    expect(JSON.parse(json.stdout.text())).toEqual({ a: 1 });
  });

  it('puts a failure on stderr, as JSON on stdout under --json, and keeps the worst exit code', () => {
    const { terminal: t, stdout, stderr } = terminal();
    expect(t.exitCode).toBe(EXIT_OK);
    t.fail({ json: true }, { code: 'usage', message: 'bad', exitCode: EXIT_USAGE, details: { tenantId: 'x' } });
    t.exitWith(EXIT_FAILED);
    expect(t.exitCode).toBe(EXIT_USAGE);
    expect(stderr.text()).toBe('error: bad\n');
    expect(JSON.parse(stdout.text())).toEqual({ error: { code: 'usage', message: 'bad', tenantId: 'x' } });
  });

  it('draws a bar only for a person at a terminal: not under --json, CI or a pipe', () => {
    expect(terminal({ tty: true }).terminal.progress('work', {})).toBeInstanceOf(ProgressBar);
    expect(terminal({ tty: true }).terminal.progress('work', { json: true })).toBe(SILENT_PROGRESS);
    expect(terminal({ tty: true, ci: true }).terminal.progress('work', {})).toBe(SILENT_PROGRESS);
    expect(terminal({ tty: false }).terminal.progress('work', {})).toBe(SILENT_PROGRESS);
  });

  it('gives long work a line on stderr whenever it moves when no bar is drawn, stdout untouched', () => {
    const { terminal: t, stdout, stderr } = terminal({ tty: false });
    const progress = t.progress('migrate', { json: true }, { lines: true });
    expect(progress).toBeInstanceOf(ProgressLines);
    progress.update(0, 2);
    progress.update(0, 2);
    progress.update(2, 2, '(done 2)');
    expect(stderr.text()).toBe('migrate: 0/2\nmigrate: 2/2 (done 2)\n');
    expect(stdout.text()).toBe('');
  });
});
