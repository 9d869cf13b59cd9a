package tw.tongbao.gateway.citizen;

import org.springframework.dao.DuplicateKeyException;

/**
 * Thrown when the filer's Idempotency-Key is already taken, by a committed change or one earlier in the same batch,
 * so the filing is answered as a replay exactly as when the unique constraint refuses it.
 */
final class KeyAlreadyFiled extends DuplicateKeyException {

    KeyAlreadyFiled() {
        super("this filer's Idempotency-Key is already filed");
    }
}
