package dev.edp.test.mail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * Reading what a test's SMTP server received.
 */
public final class Mails {

    private Mails() {
    }

    /**
     * @param received every message the server received (GreenMail's
     * {@code getReceivedMessages()})
     * @param address a recipient, compared ignoring case
     * @return the messages to that recipient, in the order received
     */
    public static List<MimeMessage> to(MimeMessage[] received, String address) {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage message : received) {
            try {
                Address[] to = message.getAllRecipients();
                if (to != null && Arrays.stream(to).anyMatch(a -> a.toString().equalsIgnoreCase(address))) {
                    found.add(message);
                }
            }
            catch (MessagingException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return found;
    }

}
