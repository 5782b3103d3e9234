package dev.edp.e3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.edp.e3.trust.DeviceTrust;
import dev.edp.e3.trust.DeviceTrust.Outcome;
import dev.edp.e3.trust.TrustSource;
import dev.edp.test.pki.TestPki;
import dev.edp.test.pki.TestPki.Credential;
import dev.edp.test.time.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeviceTrust} on its own: trust anchors and CRL from files, time from a clock the
 * test moves. The per-request decisions E3 takes (path to the platform root, device
 * profile, validity, revocation, fail-closed window) and what it accepts as a CRL.
 */
class DeviceTrustTests {

    static final TestPki PKI = TestPki.create("EDP");

    /** Another CA with exactly the platform CAs' names (and its own keys). */
    static final TestPki IMPOSTOR = TestPki.create("EDP");
    static final TestPki FOREIGN = TestPki.create("Foreign");
    static final Duration STALE_AFTER = Duration.ofSeconds(30);
    static final Duration MAX_AGE = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    TestClock clock;

    Path crl;

    long fileTime = System.currentTimeMillis() - 3_600_000;

    DeviceTrust trust;

    @BeforeEach
    void trust() throws IOException {
        clock = TestClock.startingNow();
        Path chain = Files.writeString(dir.resolve("chain.pem"), PKI.chainPem());
        crl = dir.resolve("crl.der");
        publishCrl(PKI.crl());
        var resources = new DefaultResourceLoader();
        trust = new DeviceTrust(new TrustSource("file:" + chain, resources, null, null),
                new TrustSource("file:" + crl, resources, null, null), STALE_AFTER, MAX_AGE, clock);
        trust.refreshTrustAnchors();
        trust.refreshRevocations();
    }

    /**
     * Replaces the CRL file (a new modification time each time, as onboarding's publisher
     * would).
     */
    void publishCrl(byte[] der) throws IOException {
        Path next = dir.resolve("crl.next");
        Files.write(next, der);
        Files.move(next, crl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        fileTime += 1000;
        Files.setLastModifiedTime(crl, FileTime.fromMillis(fileTime));
    }

    static X509Certificate[] presented(Credential credential) {
        return credential.chain().toArray(X509Certificate[]::new);
    }

    Outcome outcome(Credential credential) {
        return trust.verify(presented(credential)).outcome();
    }

    @Test
    void platformDeviceCertificateIsAcceptedWithItsIdentityAndSerial() {
        UUID customer = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        Credential credential = PKI.device(customer, device);
        DeviceTrust.Verification verification = trust.verify(presented(credential));
        assertThat(verification.accepted()).isTrue();
        assertThat(verification.identity().deviceId()).isEqualTo(device);
        assertThat(verification.identity().customerId()).isEqualTo(customer);
        assertThat(verification.serial()).isEqualTo(credential.serial());
        // The leaf alone is enough: the path is built from the platform's CAs.
        assertThat(trust.verify(new X509Certificate[] { credential.certificate() }).accepted()).isTrue();
    }

    @Test
    void chainsThatDoNotLeadToThePlatformRootAreUntrusted() {
        UUID customer = UUID.randomUUID();
        assertThat(outcome(FOREIGN.device(customer, UUID.randomUUID()))).isEqualTo(Outcome.UNTRUSTED);
        assertThat(outcome(TestPki.selfSigned(customer, UUID.randomUUID()))).isEqualTo(Outcome.UNTRUSTED);
        // Same issuer name as the platform's issuing CA, another key: the signature does
        // not verify, whatever chain the client presents with it.
        Credential impostor = IMPOSTOR.device(customer, UUID.randomUUID());
        assertThat(impostor.certificate().getIssuerX500Principal()).isEqualTo(PKI.issuing().getSubjectX500Principal());
        assertThat(outcome(impostor)).isEqualTo(Outcome.UNTRUSTED);
        assertThat(trust.verify(new X509Certificate[] { impostor.certificate(), IMPOSTOR.issuing(), IMPOSTOR.root() })
            .outcome()).isEqualTo(Outcome.UNTRUSTED);
    }

    @Test
    void certificatesThatAreNotDeviceCertificatesAreRefused() {
        assertThat(outcome(PKI.server())).isEqualTo(Outcome.NOT_A_DEVICE_CERTIFICATE);
        assertThat(trust.verify(new X509Certificate[] { PKI.issuing() }).outcome())
            .isEqualTo(Outcome.NOT_A_DEVICE_CERTIFICATE);
        assertThat(trust.verify(null).outcome()).isEqualTo(Outcome.NO_CERTIFICATE);
        assertThat(trust.verify(new X509Certificate[0]).outcome()).isEqualTo(Outcome.NO_CERTIFICATE);
    }

    @Test
    void validityIsCheckedOnEveryRequestAgainstTheClock() throws IOException {
        Instant start = clock.instant();
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID(), start.plus(Duration.ofMinutes(10)),
                start.plus(Duration.ofHours(1)));
        assertThat(outcome(device)).isEqualTo(Outcome.NOT_YET_VALID);
        clock.set(start.plus(Duration.ofMinutes(11)));
        publishCrl(PKI.crl());
        trust.refreshRevocations();
        assertThat(outcome(device)).isEqualTo(Outcome.ACCEPTED);
        // Accepted once (path cached), still refused once it expires.
        clock.set(start.plus(Duration.ofHours(1)).plusSeconds(1));
        trust.refreshRevocations();
        assertThat(outcome(device)).isEqualTo(Outcome.EXPIRED);
        assertThat(outcome(PKI.expiredDevice(UUID.randomUUID(), UUID.randomUUID()))).isEqualTo(Outcome.EXPIRED);
    }

    @Test
    void revokedSerialsAreRefusedOnceTheCrlListsThem() throws IOException {
        Credential revoked = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        Credential other = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        assertThat(outcome(revoked)).isEqualTo(Outcome.ACCEPTED);

        publishCrl(PKI.crl(revoked.serial()));
        trust.refreshRevocations();
        assertThat(outcome(revoked)).isEqualTo(Outcome.REVOKED);
        assertThat(outcome(other)).isEqualTo(Outcome.ACCEPTED);
        assertThat(trust.status().get("revokedSerials")).isEqualTo(1);
    }

    /**
     * The CRL could not be refreshed after a ramp-up while onboarding was busy, and E3
     * refused the whole fleet 30 s later. A stale CRL is alerted at once, but it keeps
     * deciding (revoked stays revoked, the rest passes) until the maximum age; only then
     * does E3 fail closed.
     */
    @Test
    void aStaleCrlIsAlertedButKeepsDecidingUntilTheMaximumAgeThenFailsClosed() throws IOException {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        Credential revoked = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        publishCrl(PKI.crl(revoked.serial()));
        trust.refreshRevocations();
        Instant refreshed = clock.instant();
        assertThat(trust.status().get("crlStale")).isEqualTo(false);

        Files.delete(crl);
        clock.set(refreshed.plus(STALE_AFTER).plusMillis(1));
        trust.refreshRevocations();
        assertThat(trust.status().get("crlStale")).as("stale: alerted").isEqualTo(true);
        assertThat(trust.revocationFresh()).isFalse();
        assertThat(trust.status().get("failClosed")).isEqualTo(false);
        assertThat(trust.status().get("lastError")).asString().startsWith("crl:");
        assertThat(outcome(device)).as("the last CRL still decides").isEqualTo(Outcome.ACCEPTED);
        assertThat(outcome(revoked)).isEqualTo(Outcome.REVOKED);
        assertThat(trust.failClosedAt()).isEqualTo(refreshed.plus(MAX_AGE));

        clock.set(refreshed.plus(MAX_AGE));
        trust.refreshRevocations();
        assertThat(outcome(device)).as("at the edge of the maximum age").isEqualTo(Outcome.ACCEPTED);
        clock.set(refreshed.plus(MAX_AGE).plusMillis(1));
        trust.refreshRevocations();
        assertThat(outcome(device)).isEqualTo(Outcome.TRUST_UNAVAILABLE);
        assertThat(trust.status().get("failClosed")).isEqualTo(true);
        // While closed nothing is judged, whatever it is.
        assertThat(outcome(FOREIGN.device(UUID.randomUUID(), UUID.randomUUID()))).isEqualTo(Outcome.TRUST_UNAVAILABLE);

        publishCrl(PKI.crl());
        trust.refreshRevocations();
        assertThat(outcome(device)).isEqualTo(Outcome.ACCEPTED);
        assertThat(trust.status().get("failClosed")).isEqualTo(false);
        assertThat(trust.status().get("crlStale")).isEqualTo(false);
    }

    /**
     * A CRL past its nextUpdate vouches for nothing, even if that comes before the
     * maximum age.
     */
    @Test
    void aStaleCrlFailsClosedAtItsNextUpdateWhenThatComesFirst() throws IOException {
        var resources = new DefaultResourceLoader();
        DeviceTrust patient = new DeviceTrust(
                new TrustSource("file:" + dir.resolve("chain.pem"), resources, null, null),
                new TrustSource("file:" + crl, resources, null, null), STALE_AFTER, Duration.ofDays(3), clock);
        patient.refreshTrustAnchors();
        patient.refreshRevocations();
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID(), clock.instant().minusSeconds(60),
                clock.instant().plus(Duration.ofDays(30)));
        Instant nextUpdate = patient.failClosedAt();
        // TestPki's CRLs are valid for a day.
        assertThat(nextUpdate).isBetween(clock.instant().plus(Duration.ofHours(23)),
                clock.instant().plus(Duration.ofHours(25)));
        assertThat(patient.status().get("crlNextUpdate")).isEqualTo(nextUpdate.toString());

        Files.delete(crl);
        clock.set(nextUpdate);
        patient.refreshRevocations();
        assertThat(patient.verify(presented(device)).outcome()).isEqualTo(Outcome.ACCEPTED);
        clock.set(nextUpdate.plusMillis(1));
        patient.refreshRevocations();
        assertThat(patient.verify(presented(device)).outcome()).isEqualTo(Outcome.TRUST_UNAVAILABLE);
    }

    @Test
    void nothingIsAcceptedBeforeTheFirstCrl() throws IOException {
        Files.delete(crl);
        var resources = new DefaultResourceLoader();
        DeviceTrust fresh = new DeviceTrust(new TrustSource("file:" + dir.resolve("chain.pem"), resources, null, null),
                new TrustSource("file:" + crl, resources, null, null), STALE_AFTER, MAX_AGE, clock);
        fresh.refreshRevocations();
        assertThat(fresh.verify(presented(PKI.device(UUID.randomUUID(), UUID.randomUUID()))).outcome())
            .isEqualTo(Outcome.TRUST_UNAVAILABLE);
    }

    @Test
    void crlWhoseNumberGoesBackwardsIsRefusedAndTheNewerListStays() throws IOException {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        byte[] older = PKI.crl(device.serial());
        byte[] newer = PKI.crl();
        publishCrl(newer);
        trust.refreshRevocations();
        Object number = trust.status().get("crlNumber");
        Instant refreshedAt = trust.revocationsRefreshedAt();

        // A replayed older CRL (here one that even revokes the device) is not taken.
        clock.set(clock.instant().plusSeconds(1));
        publishCrl(older);
        trust.refreshRevocations();
        assertThat(trust.status().get("crlNumber")).isEqualTo(number);
        assertThat(trust.status().get("lastError")).asString().contains("older");
        assertThat(trust.revocationsRefreshedAt()).isEqualTo(refreshedAt);
        assertThat(outcome(device)).isEqualTo(Outcome.ACCEPTED);
        // ...and does not count as a refresh: kept up, it ends in failing closed at the
        // maximum age.
        clock.set(refreshedAt.plus(MAX_AGE).plusSeconds(1));
        trust.refreshRevocations();
        assertThat(outcome(device)).isEqualTo(Outcome.TRUST_UNAVAILABLE);
    }

    @Test
    void crlsNotSignedByAPlatformCaAreRefused() throws IOException {
        Credential device = PKI.device(UUID.randomUUID(), UUID.randomUUID());
        Instant refreshedAt = trust.revocationsRefreshedAt();
        clock.set(clock.instant().plusSeconds(1));
        for (byte[] foreignCrl : new byte[][] { FOREIGN.crl(device.serial()), IMPOSTOR.crl(device.serial()) }) {
            publishCrl(foreignCrl);
            trust.refreshRevocations();
            assertThat(trust.status().get("lastError")).asString().startsWith("crl:");
            assertThat(trust.revocationsRefreshedAt()).isEqualTo(refreshedAt);
            assertThat(outcome(device)).isEqualTo(Outcome.ACCEPTED);
        }
    }

    @Test
    void pathResultsAreCachedPerCertificateAndEvictedOneByOneNotAllAtOnce() throws IOException {
        Path chain = Files.writeString(dir.resolve("chain-small.pem"), PKI.chainPem());
        var resources = new DefaultResourceLoader();
        DeviceTrust small = new DeviceTrust(new TrustSource("file:" + chain, resources, null, null),
                new TrustSource("file:" + crl, resources, null, null), STALE_AFTER, MAX_AGE, clock, 50);
        small.refreshTrustAnchors();
        small.refreshRevocations();
        X509Certificate[] hot = PKI.device(UUID.randomUUID(), UUID.randomUUID())
            .chain()
            .toArray(X509Certificate[]::new);
        for (int i = 0; i < 20; i++) {
            assertThat(small.verify(hot).outcome()).isEqualTo(Outcome.ACCEPTED);
        }
        assertThat(small.pathValidations()).as("validated once, then cached").isEqualTo(1);
        // More devices than the cache holds, each seen once (and the hot one now and
        // then): the old cache emptied itself when full, and then every device was
        // validated again.
        for (int i = 0; i < 120; i++) {
            assertThat(small
                .verify(PKI.device(UUID.randomUUID(), UUID.randomUUID()).chain().toArray(X509Certificate[]::new))
                .outcome()).isEqualTo(Outcome.ACCEPTED);
            if (i % 10 == 0) {
                assertThat(small.verify(hot).outcome()).isEqualTo(Outcome.ACCEPTED);
            }
        }
        assertThat(small.pathValidations()).as("the hot device stayed cached").isEqualTo(1 + 120);
        // Revocation is still checked on every request, cached path or not.
        publishCrl(PKI.crl(hot[0].getSerialNumber()));
        small.refreshRevocations();
        assertThat(small.verify(hot).outcome()).isEqualTo(Outcome.REVOKED);
    }

}
