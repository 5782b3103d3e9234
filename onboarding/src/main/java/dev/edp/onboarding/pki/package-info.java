/**
 * The cryptographic core of onboarding: CSR validation, the certificate authority
 * abstraction and its embedded (BouncyCastle) implementation, CA key protection at rest,
 * CRLs, and the PEM and PKCS#7 encodings that enrollment (JSON and EST, RFC 7030) needs.
 *
 * <p>
 * Plain Java on purpose: no Spring beans, no database, no HTTP. The service wires these
 * types, persists {@link dev.edp.onboarding.pki.CaMaterial} and revocation state, and
 * maps {@link dev.edp.onboarding.pki.CsrRejectedException} to a 4xx problem response.
 *
 * <p>
 * Device certificate profile (see
 * {@link dev.edp.onboarding.pki.DeviceCertificateProfile}): subject
 * {@code CN=<device id>, O=EDP}, exactly one URI SAN
 * {@code urn:edp:customer:<customer id>:device:<device id>} (see
 * {@link dev.edp.platform.device.DeviceIdentity}), extendedKeyUsage clientAuth only,
 * keyUsage digitalSignature, basicConstraints CA:false. Nothing the device asks for in
 * its CSR other than its public key ends up in a certificate.
 */
@NullMarked
package dev.edp.onboarding.pki;

import org.jspecify.annotations.NullMarked;
