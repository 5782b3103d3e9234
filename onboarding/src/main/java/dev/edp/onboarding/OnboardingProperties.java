package dev.edp.onboarding;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.onboarding.*}: onboarding's limits and neighbours (the CA is
 * {@code edp.pki.*}).
 *
 * @param enrollment failed enrollments before 429
 * @param renewal failed and successful renewals before 429
 * @param serverCertificate server certificates for the platform's own TLS endpoints
 * @param deviceRegistry where device-management is
 * @param deviceOutbox how certificate events are relayed to device-management
 */
@ConfigurationProperties("edp.onboarding")
public record OnboardingProperties(Enrollment enrollment, Renewal renewal, ServerCertificate serverCertificate,
        DeviceRegistry deviceRegistry, DeviceOutbox deviceOutbox) {

    /** Fills in the defaults. */
    public OnboardingProperties {
        enrollment = enrollment == null ? new Enrollment(null, null, null) : enrollment;
        renewal = renewal == null ? new Renewal(null, null, null, null) : renewal;
        serverCertificate = serverCertificate == null ? new ServerCertificate(null) : serverCertificate;
        deviceRegistry = deviceRegistry == null ? new DeviceRegistry(null) : deviceRegistry;
        deviceOutbox = deviceOutbox == null ? new DeviceOutbox(null, null, null, null) : deviceOutbox;
    }

    /**
     * {@code edp.onboarding.enrollment.*}, per replica.
     *
     * @param maxFailures failed enrollments per remote address within the window before
     * 429 (default 20)
     * @param globalMaxFailures failed enrollments from all addresses together within the
     * window before 429 (default 1000)
     * @param failureWindow the window, counted from its first failure (default 1 min)
     */
    public record Enrollment(Integer maxFailures, Integer globalMaxFailures, Duration failureWindow) {

        /** Fills in the defaults. */
        public Enrollment {
            maxFailures = maxFailures == null ? 20 : maxFailures;
            globalMaxFailures = globalMaxFailures == null ? 1000 : globalMaxFailures;
            failureWindow = failureWindow == null ? Duration.ofMinutes(1) : failureWindow;
        }
    }

    /**
     * {@code edp.onboarding.renewal.*}.
     *
     * @param maxFailures failed renewals (4xx) per device within the window before 429,
     * per replica (default 5)
     * @param failureWindow that window, counted from its first failure (default 10 min)
     * @param maxRenewals successful renewals per device within the renewal window,
     * counted in the database for all replicas (default 10, at least 1)
     * @param renewalWindow the rolling renewal window (default 24 h, positive)
     */
    public record Renewal(Integer maxFailures, Duration failureWindow, Integer maxRenewals, Duration renewalWindow) {

        /** Fills in the defaults. */
        public Renewal {
            maxFailures = maxFailures == null ? 5 : maxFailures;
            failureWindow = failureWindow == null ? Duration.ofMinutes(10) : failureWindow;
            maxRenewals = maxRenewals == null ? 10 : maxRenewals;
            renewalWindow = renewalWindow == null ? Duration.ofHours(24) : renewalWindow;
        }
    }

    /**
     * {@code edp.onboarding.server-certificate.*}.
     *
     * @param validity how long an issued server certificate is valid (default 90 days)
     */
    public record ServerCertificate(Duration validity) {

        /** Fills in the default. */
        public ServerCertificate {
            validity = validity == null ? Duration.ofDays(90) : validity;
        }
    }

    /**
     * {@code edp.onboarding.device-registry.*}.
     *
     * @param url device-management's base URL, by registry name through the load balancer
     * (default {@code http://device-management}); trailing slashes are dropped
     */
    public record DeviceRegistry(String url) {

        /** Fills in the default. */
        public DeviceRegistry {
            url = (url == null ? "http://device-management" : url).replaceAll("/+$", "");
        }
    }

    /**
     * {@code edp.onboarding.device-outbox.*} (its pass runs every
     * {@code edp.onboarding.device-outbox.interval}, default 1 s).
     *
     * @param initialBackoff the wait after a row's first failed attempt, doubled per
     * attempt (default 2 s)
     * @param maxBackoff the longest wait between attempts (default 5 min)
     * @param batchSize rows claimed at once and sent in one call (default 100; at most
     * 500 go in one call)
     * @param maxAttempts failed attempts after which a row is dead (default 50)
     */
    public record DeviceOutbox(Duration initialBackoff, Duration maxBackoff, Integer batchSize, Integer maxAttempts) {

        /** Fills in the defaults. */
        public DeviceOutbox {
            initialBackoff = initialBackoff == null ? Duration.ofSeconds(2) : initialBackoff;
            maxBackoff = maxBackoff == null ? Duration.ofMinutes(5) : maxBackoff;
            batchSize = batchSize == null ? 100 : batchSize;
            maxAttempts = maxAttempts == null ? 50 : maxAttempts;
        }
    }
}
