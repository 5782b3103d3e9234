package dev.edp.onboarding.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.edp.onboarding.pki.CsrRejectedException.Reason;
import dev.edp.onboarding.pki.ValidatedCsr.KeyType;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Parses and checks a device's PKCS#10 certificate signing request before anything is
 * signed.
 *
 * <p>
 * Input is PEM ({@code CERTIFICATE REQUEST} or {@code NEW CERTIFICATE REQUEST}), base64
 * DER (what EST, RFC 7030, sends; line breaks allowed) or raw DER. The size limit is
 * checked before any parsing. Checks, in order: well-formed DER with no trailing data and
 * version 1 (0); an allowed key (EC P-256 or P-384 with a named curve and a point on the
 * curve, Ed25519, RSA 2048..8192 bits with a sane public exponent); an allowed signature
 * algorithm (ECDSA/RSA with SHA-256/384/512, RSASSA-PSS with SHA-256/384/512, Ed25519);
 * and a valid signature made with the request's own key (proof of possession).
 *
 * <p>
 * The requested subject, SANs and extensions are not checked and not kept; the CA ignores
 * them. Thread-safe.
 */
public final class CsrValidator {

    /**
     * Default maximum size of a request, in bytes (PEM/base64 characters or DER bytes).
     */
    public static final int DEFAULT_MAX_SIZE = 16 * 1024;

    /**
     * RSA moduli above this are refused: no benefit, and verification cost grows fast.
     */
    static final int RSA_MAX_BITS = 8192;

    static final int RSA_MIN_BITS = 2048;

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\\s]*)-----END (NEW )?CERTIFICATE REQUEST-----");

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private static final Map<ASN1ObjectIdentifier, KeyType> CURVES = Map.of(SECObjectIdentifiers.secp256r1,
            KeyType.EC_P256, SECObjectIdentifiers.secp384r1, KeyType.EC_P384);

    private static final Set<ASN1ObjectIdentifier> SIGNATURE_ALGORITHMS = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption, EdECObjectIdentifiers.id_Ed25519);

    private static final Set<ASN1ObjectIdentifier> PSS_DIGESTS = Set.of(NISTObjectIdentifiers.id_sha256,
            NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    private final int maxSize;

    /** A validator with the {@linkplain #DEFAULT_MAX_SIZE default size limit}. */
    public CsrValidator() {
        this(DEFAULT_MAX_SIZE);
    }

    /** A validator that refuses requests larger than {@code maxSize} bytes/characters. */
    public CsrValidator(int maxSize) {
        if (maxSize < 512 || maxSize > 1024 * 1024) {
            throw new IllegalArgumentException("maxSize must be between 512 bytes and 1 MiB");
        }
        this.maxSize = maxSize;
    }

    /**
     * Validates a PEM or base64-encoded DER request.
     * @throws CsrRejectedException if the request is refused; nothing must be issued then
     */
    public ValidatedCsr validate(String pemOrBase64) {
        if (pemOrBase64.length() > this.maxSize) {
            throw tooLarge();
        }
        return validateDer(decodeText(pemOrBase64));
    }

    /**
     * Validates a DER-encoded request.
     * @throws CsrRejectedException if the request is refused; nothing must be issued then
     */
    public ValidatedCsr validateDer(byte[] der) {
        if (der.length > this.maxSize) {
            throw tooLarge();
        }
        PKCS10CertificationRequest csr = parse(der);
        SubjectPublicKeyInfo keyInfo = csr.getSubjectPublicKeyInfo();
        KeyCheck key = checkKey(keyInfo);
        checkSignatureAlgorithm(csr.getSignatureAlgorithm());
        verifySignature(csr, keyInfo);
        return new ValidatedCsr(toJca(keyInfo, key), key.type(), key.bits(), der);
    }

    private CsrRejectedException tooLarge() {
        return new CsrRejectedException(Reason.CSR_TOO_LARGE,
                "The certificate signing request is larger than " + this.maxSize + " bytes.");
    }

    private static byte[] decodeText(String text) {
        String base64;
        if (text.contains("-----BEGIN")) {
            int first = text.indexOf("-----BEGIN");
            if (text.indexOf("-----BEGIN", first + 1) >= 0) {
                throw malformed("Send exactly one PEM block: the certificate signing request.", null);
            }
            Matcher matcher = PEM.matcher(text);
            if (!matcher.find()) {
                throw malformed("The PEM data does not contain a CERTIFICATE REQUEST block.", null);
            }
            base64 = matcher.group(2);
        }
        else {
            base64 = text;
        }
        try {
            byte[] der = Base64.getDecoder()
                .decode(WHITESPACE.matcher(base64).replaceAll("").getBytes(StandardCharsets.US_ASCII));
            if (der.length == 0) {
                throw malformed("The certificate signing request is empty.", null);
            }
            return der;
        }
        catch (IllegalArgumentException ex) {
            throw malformed("The certificate signing request is not valid PEM or base64.", ex);
        }
    }

    private static PKCS10CertificationRequest parse(byte[] der) {
        try {
            // fromByteArray refuses trailing data after the outer structure.
            ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
            CertificationRequest request = CertificationRequest.getInstance(primitive);
            if (request.getCertificationRequestInfo().getVersion().intValueExact() != 0) {
                throw malformed("Unsupported certificate signing request version.", null);
            }
            return new PKCS10CertificationRequest(request);
        }
        catch (CsrRejectedException ex) {
            throw ex;
        }
        catch (IOException | RuntimeException ex) {
            // BouncyCastle reports structural problems as IllegalArgumentException,
            // ClassCastException and friends as well as IOException.
            throw malformed("The data is not a well-formed PKCS#10 certificate signing request.", ex);
        }
    }

    private record KeyCheck(KeyType type, int bits, String jcaAlgorithm) {
    }

    private static KeyCheck checkKey(SubjectPublicKeyInfo keyInfo) {
        try {
            AlgorithmIdentifier algorithm = keyInfo.getAlgorithm();
            ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
                return checkEcKey(algorithm.getParameters(), keyInfo.getPublicKeyData().getOctets());
            }
            if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
                if (algorithm.getParameters() != null || keyInfo.getPublicKeyData().getPadBits() != 0
                        || keyInfo.getPublicKeyData().getOctets().length != 32) {
                    throw keyNotAllowed("The Ed25519 public key is not encoded correctly.");
                }
                return new KeyCheck(KeyType.ED25519, 255, "Ed25519");
            }
            if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
                return checkRsaKey(algorithm.getParameters(), keyInfo);
            }
            throw keyNotAllowed(
                    "The key type is not allowed. Use EC P-256, EC P-384, Ed25519 or RSA with at least 2048 bits.");
        }
        catch (CsrRejectedException ex) {
            throw ex;
        }
        catch (IOException | RuntimeException ex) {
            throw new CsrRejectedException(Reason.CSR_KEY_NOT_ALLOWED, "The public key cannot be decoded.", ex);
        }
    }

    private static KeyCheck checkEcKey(ASN1Encodable parameters, byte[] point) {
        // Only named curves: explicit parameters could describe any (weak) curve.
        if (!(parameters instanceof ASN1ObjectIdentifier curve) || !CURVES.containsKey(curve)) {
            throw keyNotAllowed("The elliptic curve is not allowed. Use P-256 or P-384.");
        }
        // decodePoint refuses points that are not on the curve.
        ECPoint decoded = ECNamedCurveTable.getByOID(curve).getCurve().decodePoint(point);
        if (decoded.isInfinity() || !decoded.isValid()) {
            throw keyNotAllowed("The EC public key is not a valid point on its curve.");
        }
        KeyType type = CURVES.get(curve);
        return new KeyCheck(type, (type == KeyType.EC_P256) ? 256 : 384, "EC");
    }

    private static KeyCheck checkRsaKey(ASN1Encodable parameters, SubjectPublicKeyInfo keyInfo) throws IOException {
        if (parameters != null && !(parameters instanceof ASN1Null)) {
            throw keyNotAllowed("The RSA public key is not encoded correctly.");
        }
        org.bouncycastle.asn1.pkcs.RSAPublicKey key = org.bouncycastle.asn1.pkcs.RSAPublicKey
            .getInstance(keyInfo.parsePublicKey());
        BigInteger modulus = key.getModulus();
        BigInteger exponent = key.getPublicExponent();
        int bits = modulus.bitLength();
        if (bits < RSA_MIN_BITS) {
            throw keyNotAllowed("RSA keys must have at least " + RSA_MIN_BITS + " bits; this one has " + bits + ".");
        }
        if (bits > RSA_MAX_BITS) {
            throw keyNotAllowed("RSA keys may have at most " + RSA_MAX_BITS + " bits.");
        }
        if (modulus.signum() <= 0 || !modulus.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0
                || !exponent.testBit(0) || exponent.bitLength() > 256 || exponent.compareTo(modulus) >= 0) {
            throw keyNotAllowed("The RSA public key is not valid.");
        }
        return new KeyCheck(KeyType.RSA, bits, "RSA");
    }

    private static void checkSignatureAlgorithm(AlgorithmIdentifier algorithm) {
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (SIGNATURE_ALGORITHMS.contains(oid)) {
            return;
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            try {
                RSASSAPSSparams params = RSASSAPSSparams.getInstance(algorithm.getParameters());
                if (params != null && PSS_DIGESTS.contains(params.getHashAlgorithm().getAlgorithm())) {
                    return;
                }
            }
            catch (RuntimeException ex) {
                throw malformed("The RSASSA-PSS parameters are malformed.", ex);
            }
        }
        throw new CsrRejectedException(Reason.CSR_SIGNATURE_ALGORITHM_NOT_ALLOWED,
                "The request is signed with an algorithm that is not accepted. "
                        + "Sign with SHA-256 or stronger (ECDSA, RSA, RSASSA-PSS) or Ed25519.");
    }

    private static void verifySignature(PKCS10CertificationRequest csr, SubjectPublicKeyInfo keyInfo) {
        boolean valid;
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().setProvider(Crypto.BC)
                .build(keyInfo);
            valid = csr.isSignatureValid(verifier);
        }
        catch (Exception ex) {
            // A signature that does not even decode, or does not fit the key, is as
            // invalid as a wrong one.
            throw new CsrRejectedException(Reason.CSR_SIGNATURE_INVALID,
                    "The request's signature does not verify with its public key.", ex);
        }
        if (!valid) {
            throw new CsrRejectedException(Reason.CSR_SIGNATURE_INVALID,
                    "The request's signature does not verify with its public key.");
        }
    }

    private static PublicKey toJca(SubjectPublicKeyInfo keyInfo, KeyCheck key) {
        try {
            return KeyFactory.getInstance(key.jcaAlgorithm())
                .generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded()));
        }
        catch (GeneralSecurityException | IOException ex) {
            throw new CsrRejectedException(Reason.CSR_KEY_NOT_ALLOWED, "The public key cannot be decoded.", ex);
        }
    }

    private static CsrRejectedException malformed(String message, Throwable cause) {
        return new CsrRejectedException(Reason.CSR_MALFORMED, message, cause);
    }

    private static CsrRejectedException keyNotAllowed(String message) {
        return new CsrRejectedException(Reason.CSR_KEY_NOT_ALLOWED, message);
    }

}
