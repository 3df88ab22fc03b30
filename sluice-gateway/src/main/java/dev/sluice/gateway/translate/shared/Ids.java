package dev.sluice.gateway.translate.shared;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/** Ids in each dialect's style, for answers whose upstream gave none (Ollama gives none). */
public final class Ids {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final RandomGenerator RANDOM = new SecureRandom();

    private Ids() {}

    public static String message() {
        return "msg_" + random(24);
    }

    public static String toolUse() {
        return "toolu_" + random(24);
    }

    public static String response() {
        return "resp_" + random(32);
    }

    /** An output item's id in the Responses style: {@code msg_}, {@code fc_}, {@code rs_} and random. */
    public static String item(String prefix) {
        return prefix + random(32);
    }

    public static String completion() {
        return "chatcmpl-" + random(24);
    }

    private static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        return new String(chars);
    }
}
