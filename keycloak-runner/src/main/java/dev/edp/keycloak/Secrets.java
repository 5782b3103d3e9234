package dev.edp.keycloak;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Generates passwords and client secrets.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";

    private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";

    private static final String DIGITS = "23456789";

    // Symbols that survive shells, URLs in forms and JSON without quoting surprises.
    private static final String SYMBOLS = "-_.~+=@%";

    private static final String ALL = LOWER + UPPER + DIGITS + SYMBOLS;

    private Secrets() {
    }

    /**
     * A 24-character printable password (about 150 bits of entropy) with at least one
     * lower-case letter, upper-case letter, digit and symbol, so that common password
     * policies accept it. Look-alike characters (0/O, 1/l/I) are left out because people
     * copy it from a terminal.
     * @return a new password
     */
    public static String generatePassword() {
        char[] password = new char[24];
        password[0] = pick(LOWER);
        password[1] = pick(UPPER);
        password[2] = pick(DIGITS);
        password[3] = pick(SYMBOLS);
        for (int i = 4; i < password.length; i++) {
            password[i] = pick(ALL);
        }
        for (int i = password.length - 1; i > 0; i--) {
            int j = RANDOM.nextInt(i + 1);
            char swap = password[i];
            password[i] = password[j];
            password[j] = swap;
        }
        return new String(password);
    }

    /**
     * A client secret: 32 random bytes, URL-safe Base64 without padding (43 characters).
     * @return a new secret
     */
    public static String generateClientSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static char pick(String alphabet) {
        return alphabet.charAt(RANDOM.nextInt(alphabet.length()));
    }

}
