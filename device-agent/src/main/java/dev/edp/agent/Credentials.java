package dev.edp.agent;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A device's key and certificate chain (device certificate first, then the CA chain).
 *
 * @param key the device's private key
 * @param chain its certificate followed by the issuing CA certificates
 * @param identity what the certificate says
 */
public record Credentials(PrivateKey key, List<X509Certificate> chain, DeviceIdentity identity) {

    public Credentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("A credential needs its certificate");
        }
    }

    /**
     * @return the device certificate
     */
    public X509Certificate certificate() {
        return chain.getFirst();
    }
}
