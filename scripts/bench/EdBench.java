/**
 * Ed25519 (RFC 8032) by the JDK's provider and by Bouncy Castle, the one the signing package uses (ADR 0032): CPU time
 * of the thread per signature and per verification of a 1 KiB message, N of each per round, three rounds (the first
 * warms the JIT). Run by scripts/bench-ed25519.sh.
 */
import java.security.*;
import org.bouncycastle.crypto.params.*;
import org.bouncycastle.crypto.signers.Ed25519Signer;

public class EdBench {
    public static void main(String[] a) throws Exception {
        byte[] msg = new byte[1024]; new java.util.Random(1).nextBytes(msg);
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        KeyPair kp = g.generateKeyPair();
        Ed25519PrivateKeyParameters bcPriv = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
        Ed25519PublicKeyParameters bcPub = bcPriv.generatePublicKey();
        int n = Integer.parseInt(a.length > 0 ? a[0] : "2000");
        for (int round = 0; round < 3; round++) {
            long t0 = cpu();
            byte[] sig = null;
            for (int i = 0; i < n; i++) { Signature s = Signature.getInstance("Ed25519"); s.initSign(kp.getPrivate()); s.update(msg); sig = s.sign(); }
            long t1 = cpu();
            for (int i = 0; i < n; i++) { Signature v = Signature.getInstance("Ed25519"); v.initVerify(kp.getPublic()); v.update(msg); if (!v.verify(sig)) throw new Error(); }
            long t2 = cpu();
            byte[] bsig = null;
            for (int i = 0; i < n; i++) { Ed25519Signer s = new Ed25519Signer(); s.init(true, bcPriv); s.update(msg, 0, msg.length); bsig = s.generateSignature(); }
            long t3 = cpu();
            for (int i = 0; i < n; i++) { Ed25519Signer v = new Ed25519Signer(); v.init(false, bcPub); v.update(msg, 0, msg.length); if (!v.verifySignature(bsig)) throw new Error(); }
            long t4 = cpu();
            System.out.printf("round %d: JDK sign %.1f us verify %.1f us | BC sign %.1f us verify %.1f us (CPU per op, %d ops)%n", round,
                (t1-t0)/1e3/n, (t2-t1)/1e3/n, (t3-t2)/1e3/n, (t4-t3)/1e3/n, n);
        }
    }
    static long cpu() { return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); }
}
