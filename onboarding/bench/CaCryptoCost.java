import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * CPU time per operation (this thread, ThreadMXBean), after warm-up: what an enrollment's
 * certificate costs in public-key operations. The issuing CA signs with its key (EC P-384, the
 * JDK), the issued certificate is verified against the CA's key (Bouncy Castle, as
 * DeviceCertificateProfile.verify does), the device's CSR is verified (Bouncy Castle; P-256 here).
 * P-256 rows show what a P-256 issuing CA would cost. Run (Bouncy Castle from the local Maven
 * repository):
 * {@code java -cp ~/.m2/repository/org/bouncycastle/bcprov-jdk18on/1.82/bcprov-jdk18on-1.82.jar onboarding/bench/CaCryptoCost.java}
 */
public class CaCryptoCost {

    static final ThreadMXBean T = ManagementFactory.getThreadMXBean();

    interface Op {
        void run() throws Exception;
    }

    static void micros(String name, int n, Op op) throws Exception {
        for (int i = 0; i < n; i++) {
            op.run(); // warm-up
        }
        long start = T.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            op.run();
        }
        System.out.printf("%-36s %9.0f us CPU/op%n", name, (T.getCurrentThreadCpuTime() - start) / 1000.0 / n);
    }

    public static void main(String[] args) throws Exception {
        Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        byte[] tbs = new byte[600]; // about a device certificate's to-be-signed part
        for (String curve : new String[] { "secp384r1", "secp256r1" }) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            KeyPair ca = generator.generateKeyPair();
            String algorithm = curve.equals("secp384r1") ? "SHA384withECDSA" : "SHA256withECDSA";
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(ca.getPrivate());
            signer.update(tbs);
            byte[] signature = signer.sign();
            micros(curve + " sign (JDK)", 2000, () -> {
                Signature s = Signature.getInstance(algorithm);
                s.initSign(ca.getPrivate());
                s.update(tbs);
                s.sign();
            });
            for (Provider provider : new Provider[] { null, bc }) {
                micros(curve + " verify (" + (provider == null ? "JDK" : "Bouncy Castle") + ")", 2000, () -> {
                    Signature s = provider == null ? Signature.getInstance(algorithm)
                            : Signature.getInstance(algorithm, provider);
                    s.initVerify(ca.getPublic());
                    s.update(tbs);
                    if (!s.verify(signature)) {
                        throw new IllegalStateException("does not verify");
                    }
                });
            }
        }
    }

}
