package dev.agentlog.app;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Masks secrets before anything is printed, logged or put in an error: passwords in JDBC URLs
 * ({@code password=...} parameters and {@code user:password@} authorities) and in Kafka configs
 * ({@code sasl.jaas.config}, {@code *.password}).
 */
public final class Secrets {
    public static final String MASK = "****";
    private static final Pattern URL_PASSWORD_PARAM = Pattern.compile("(?i)([?&;](?:password|sslpassword)=)[^&;]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@?]+:)[^@/?]*@");
    private static final Pattern JAAS_PASSWORD = Pattern.compile("(?i)(password\\s*=\\s*)(\"[^\"]*\"|\\S+)");

    private Secrets() {}

    public static String maskJdbcUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = URL_PASSWORD_PARAM.matcher(url).replaceAll("$1" + MASK);
        return URL_USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase();
        return k.contains("password") || k.contains("secret") || k.equals("sasl.jaas.config") || k.contains("api-keys")
                || k.contains("api.keys") || k.endsWith(".key") && !k.endsWith("serializer.key");
    }

    /** A copy of a Kafka (or any) config map safe to log: secret values replaced, JAAS passwords masked. */
    public static Map<String, String> maskConfig(Map<String, ?> config) {
        Map<String, String> out = new TreeMap<>();
        config.forEach((key, value) -> {
            String text = String.valueOf(value);
            if (key.equalsIgnoreCase("sasl.jaas.config")) {
                out.put(key, JAAS_PASSWORD.matcher(text).replaceAll("$1" + MASK));
            } else if (isSecretKey(key)) {
                out.put(key, MASK);
            } else if (text.startsWith("jdbc:")) {
                out.put(key, maskJdbcUrl(text));
            } else {
                out.put(key, text);
            }
        });
        return out;
    }
}
