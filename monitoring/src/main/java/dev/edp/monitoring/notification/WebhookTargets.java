package dev.edp.monitoring.notification;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Keeps customers' webhooks off the platform's own network (SSRF): a target whose host
 * is, or resolves to, a loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * link-local (169.254/16 with the cloud metadata address, fe80::/10), unspecified ("this
 * network" 0/8, ::), multicast, broadcast or carrier-grade NAT (100.64/10) address is
 * refused. IPv4 addresses embedded in IPv6 (mapped {@code ::ffff:a.b.c.d}, compatible
 * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}) are judged by their IPv4 address.
 * Documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32) are
 * <em>not</em> refused: they are not routed anywhere, so they cannot reach the platform,
 * and examples and tests use them as "some public address".
 * <p>
 * Checked when a channel is created and again before every delivery (DNS can change).
 * Names are resolved with {@link InetAddress}, like the HTTP client does, so the JVM's
 * DNS cache ({@code networkaddress.cache.ttl}, 30 s by default) normally gives the client
 * the addresses that were checked; a DNS answer that changes between the check and the
 * connection within that window is not caught.
 */
final class WebhookTargets {

    /** Why a target is refused. */
    static final class NotAllowed extends Exception {

        private static final long serialVersionUID = 1L;

        NotAllowed(String message) {
            super(message, null, false, false);
        }

    }

    private WebhookTargets() {
    }

    /**
     * Resolves the URL's host and checks every address.
     * @param uri an absolute URL with a host
     * @throws NotAllowed when the host is or resolves to an address of the platform's
     * network
     * @throws UnknownHostException when the host does not resolve
     */
    static void check(URI uri) throws NotAllowed, UnknownHostException {
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new NotAllowed("the URL has no host");
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            throw new NotAllowed("host " + host + " is the local machine");
        }
        for (InetAddress address : InetAddress.getAllByName(host)) {
            String why = refusal(address);
            if (why != null) {
                String literal = address.getHostAddress();
                throw new NotAllowed(host.equals(literal) || host.equals("[" + literal + "]")
                        ? "host " + host + " is a " + why + " address"
                        : "host " + host + " resolves to " + literal + ", a " + why + " address");
            }
        }
    }

    /**
     * @param address an address
     * @return why it is refused, or null when it may be a webhook target
     */
    static String refusal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            Inet4Address embedded = embeddedIpv4(v6.getAddress());
            if (embedded != null) {
                return refusal(embedded);
            }
            byte[] b = v6.getAddress();
            if ((b[0] & 0xfe) == 0xfc) {
                return "private (unique local fc00::/7)";
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return "private (site-local fec0::/10)";
            }
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified (any-local)";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local (including cloud metadata)";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "\"this network\" (0.0.0.0/8)";
            }
            if (first == 100 && (second & 0xc0) == 64) {
                return "carrier-grade NAT (100.64.0.0/10)";
            }
            if (first == 255 && second == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255) {
                return "broadcast";
            }
        }
        return null;
    }

    /**
     * IPv4-mapped, IPv4-compatible (not :: and ::1) and NAT64 (64:ff9b::/96) addresses.
     */
    private static Inet4Address embeddedIpv4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0
                && (b[12] != 0 || b[13] != 0 || b[14] != 0 || (b[15] & 0xff) > 1);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (!mapped && !compatible && !nat64) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] { b[12], b[13], b[14], b[15] });
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
