/** Runs a snippet in a fresh Deno (`deno eval`) with `env` added, returning its output and exit code. */
export async function evalIn(env: Record<string, string>, code: string) {
  const { stdout, stderr, code: exit } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr), exit };
}
