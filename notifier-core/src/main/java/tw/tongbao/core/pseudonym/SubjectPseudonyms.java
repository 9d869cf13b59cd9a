package tw.tongbao.core.pseudonym;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.change.NationalId;

/**
 * Per-agency pseudonyms of a subject: the same for one agency across changes, different between agencies, and not
 * reversible without the system's key.
 */
public final class SubjectPseudonyms {

    private final byte[] key;

    public SubjectPseudonyms(byte[] key) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("the pseudonym key must hold at least 32 bytes");
        }
        this.key = key.clone();
    }

    /** The subject's reference for this agency: 22 base64url characters (132 bits of HMAC-SHA256). */
    public String subjectRef(AgencyCode agency, NationalId subject) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((agency.value() + ":" + subject.value()).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(digest)
                    .substring(0, 22);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
