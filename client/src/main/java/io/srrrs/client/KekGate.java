package io.srrrs.client;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor;
import io.srrrs.store.SseC;

import java.io.IOException;
import java.util.Objects;

/**
 * The reader's KEK allow-list in front of its KMS: every DEK unwrap, and every rewrap's source and
 * target KEK, passes here, in the order of docs/FORMAT.md §11 (KMS type, allow-list, unwrap, key
 * checks), so the KMS never hears of a KEK the allow-list does not name. Whoever can write to the
 * bucket could otherwise point this reader's KMS calls at a key of their own. S3EC objects pass
 * the same gate, in the same order, before their DEK is unwrapped the S3EC way.
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

    /** A decryptor for the format v1 object {@code info} describes, its DEK unwrapped if its KEK is allowed. */
    ObjectDecryptor decryptor(ObjectInfo info) throws IOException, KmsException {
        try {
            return ObjectDecryptor.open(info.metadata(), info.identity(), kms, allowed);
        } catch (KekNotAllowedException e) {
            throw notAllowed(info.identity(), info.metadata().wrappedDek().kek());
        }
    }

    /**
     * A decryptor for the S3EC object {@code info} describes: its KMS type must be this reader's
     * and its KEK allowed before the KMS unwraps its DEK; a V3 object's key commitment is checked.
     */
    S3ecObjectDecryptor s3ecDecryptor(ObjectInfo info) throws IOException, KmsException {
        S3ecContent content = (S3ecContent) info.metadata().content();
        WrappedDek wrapped = info.metadata().wrappedDek();
        if (!wrapped.kms().equals(kms.type())) {
            throw CiphertextException.of(CiphertextException.Failure.UNKNOWN_KMS, "the DEK of s3://" + info.identity()
                    + " was wrapped by KMS type '" + wrapped.kms() + "'; this reader uses '" + kms.type() + "'");
        }
        check(info.identity(), wrapped.kek());
        try (DataKey dek = kms.unwrap(wrapped, info.metadata().context(), DekWrapping.of(content.outputFormat()))) {
            return S3ecObjectDecryptor.open(content, dek);
        }
    }

    /** The SSE-C key of the object {@code info} describes, derived from its DEK (unwrapped through this gate). */
    SseC sseC(ObjectInfo info) throws IOException, KmsException {
        if (info.metadata().content() instanceof FormatHeader) {
            try (ObjectDecryptor dec = decryptor(info)) {
                return sseC(dec);
            }
        }
        try (S3ecObjectDecryptor dec = s3ecDecryptor(info)) {
            return sseC(dec, info.identity());
        }
    }

    /** The object's SSE-C key, derived from the DEK {@code dec} holds. */
    static SseC sseC(ObjectDecryptor dec) {
        return SseC.consuming(dec.sseCKey());
    }

    /** The SSE-C key of the S3EC object {@code id}, derived from the DEK {@code dec} holds. */
    static SseC sseC(S3ecObjectDecryptor dec, ObjectIdentity id) {
        return SseC.consuming(dec.sseCKey(id));
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
