package io.outrigger.iptables.testkit;

/**
 * What a command run in a pod did.
 *
 * @param exitCode the exit status (124 when it was killed for running too long)
 * @param stdout standard output
 * @param stderr standard error
 */
public record ExecResult(int exitCode, String stdout, String stderr) {

    /** True when the command exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** The result, or an {@link AssertionError} with both outputs when the command failed. */
    public ExecResult orFail(String what) {
        if (!ok()) {
            throw new AssertionError(what + " failed (exit " + exitCode + ")\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        return this;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ", stdout=[" + stdout.strip() + "], stderr=[" + stderr.strip() + "]";
    }
}
