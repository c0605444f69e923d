package dev.parley.contract.wire;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 128 random bits of a generated id, from an AES-CTR keystream per thread, keyed once from
 * {@link SecureRandom}: the construction of NIST's CTR_DRBG, so ids stay unpredictable, and
 * within a thread no two are equal (AES is a permutation, the counter never repeats). The JDK's
 * {@code SecureRandom} costs a SHA digest and a lock per call; the keystream costs a fraction of
 * an AES block per id (AES-NI), refilled a kilobyte at a time, with nothing shared between threads.
 */
final class RandomIds {
  private static final int BYTES = 16;
  private static final int REFILL = 64 * BYTES;
  private static final SecureRandom SEED = new SecureRandom();
  private static final ThreadLocal<RandomIds> PER_THREAD = ThreadLocal.withInitial(RandomIds::new);

  private final Cipher cipher;
  private final byte[] zeros = new byte[REFILL];
  private final byte[] keystream = new byte[REFILL];
  private int next = REFILL;

  private RandomIds() {
    byte[] key = new byte[BYTES];
    byte[] counter = new byte[BYTES];
    SEED.nextBytes(key);
    SEED.nextBytes(counter);
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is part of every JRE", e);
    }
  }

  /** 16 fresh random bytes for the calling thread. */
  static byte[] next() {
    return PER_THREAD.get().take();
  }

  private byte[] take() {
    if (next == REFILL) {
      try {
        cipher.update(zeros, 0, REFILL, keystream, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/CTR keystream", e);
      }
      next = 0;
    }
    byte[] out = new byte[BYTES];
    System.arraycopy(keystream, next, out, 0, BYTES);
    next += BYTES;
    return out;
  }
}
