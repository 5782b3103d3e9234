package dev.edp.agent;

/** Why an agent stopped, with the CLI's exit code for it. */
public enum ExitReason {

    /** Stopped on request (Ctrl-C, {@link DeviceAgent#stop()}, end of a simulation). */
    STOPPED(0),
    /** Something that retrying cannot fix, e.g. unreadable files. */
    FAILED(1),
    /**
     * E3 refused the device's certificate (401 {@code DEVICE_CERTIFICATE_REVOKED},
     * {@code _INVALID}, {@code _REQUIRED}).
     */
    REVOKED(3);

    private final int exitCode;

    ExitReason(int exitCode) {
        this.exitCode = exitCode;
    }

    /**
     * @return the process exit code of {@code edp-agent run} for this reason
     */
    public int exitCode() {
        return exitCode;
    }

}
