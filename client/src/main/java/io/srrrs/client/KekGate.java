package io.srrrs.client;

import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.store.SseC;

import java.io.IOException;
import java.util.Objects;

/**
 * The reader's KEK allow-list in front of its KMS: every DEK unwrap, and every rewrap's source and
 * target KEK, passes here, in the order of docs/FORMAT.md §11 (KMS type, allow-list, unwrap, key
 * checks), so the KMS never hears of a KEK the allow-list does not name. Whoever can write to the
 * bucket could otherwise point this reader's KMS calls at a key of their own.
 */
final class KekGate {

    private final Kms kms;
    private final KekAllowList allowed;

    KekGate(Kms kms, KekAllowList allowed) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.allowed = Objects.requireNonNull(allowed, "allowed KEKs (KekAllowList.any(...) to allow any)");
    }

    Kms kms() {
        return kms;
    }

    /** A decryptor for the object {@code info} describes, its DEK unwrapped if its KEK is allowed. */
    ObjectDecryptor decryptor(ObjectInfo info) throws IOException, KmsException {
        try {
            return ObjectDecryptor.open(info.metadata(), info.identity(), kms, allowed);
        } catch (KekNotAllowedException e) {
            throw notAllowed(info.identity(), info.metadata().wrappedDek().kek());
        }
    }

    /** The object's SSE-C key, derived from the DEK {@code dec} holds. */
    static SseC sseC(ObjectDecryptor dec) {
        return SseC.consuming(dec.sseCKey());
    }

    /** Refuses an object whose {@code srrrs-kek-id} is not allowed, before any KMS call with it. */
    void check(ObjectIdentity id, KekId kek) throws KmsException {
        if (!allowed.allows(kek, kms)) {
            throw notAllowed(id, kek);
        }
    }

    /** The rewrap target {@code targetKek} (an alias or id) resolved, if it is allowed. */
    KekId target(String targetKek) throws KmsException {
        KekId target = kms.resolve(targetKek);
        if (!allowed.allows(target, kms)) {
            throw new KekNotAllowedException("rewrap target KEK " + target.value() + " is not allowed by "
                    + KekAllowList.KEY + (allowed.accounts().isEmpty() ? "" : " and " + KekAllowList.ACCOUNTS_KEY)
                    + "; nothing was changed");
        }
        return target;
    }

    private KekNotAllowedException notAllowed(ObjectIdentity id, KekId kek) {
        return new KekNotAllowedException("s3://" + id + " is under KEK " + kek.value() + ", which "
                + KekAllowList.KEY + (allowed.accounts().isEmpty() ? "" : " or " + KekAllowList.ACCOUNTS_KEY)
                + " does not allow: not opened, no KMS call made with it");
    }
}
