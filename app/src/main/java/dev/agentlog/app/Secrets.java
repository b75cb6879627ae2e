package dev.agentlog.app;

import java.util.Locale;
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
    /** An option of a JAAS entry: {@code name="value"}, {@code name='value'} or {@code name=value}. */
    private static final Pattern JAAS_OPTION = Pattern.compile("([A-Za-z0-9_.-]+)(\\s*=\\s*)(\"[^\"]*\"|'[^']*'|[^\\s;]+)");

    private Secrets() {}

    public static String maskJdbcUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = URL_PASSWORD_PARAM.matcher(url).replaceAll("$1" + MASK);
        return URL_USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    /**
     * Whether a setting's value is secret: passwords, secrets, JAAS configs, API keys, private keys and keystores
     * ({@code ssl.key*}: {@code ssl.keystore.key}, {@code ssl.key.password}, ...).
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.endsWith("sasl.jaas.config") || k.contains("api-keys")
                || k.contains("api.keys") || k.endsWith(".key") && !k.endsWith("serializer.key")
                || k.startsWith("ssl.key") || k.contains(".ssl.key") || k.contains("credentials");
    }

    /** A copy of a Kafka (or any) config map safe to log: secret values replaced, JAAS passwords masked. */
    public static Map<String, String> maskConfig(Map<String, ?> config) {
        Map<String, String> out = new TreeMap<>();
        config.forEach((key, value) -> {
            String text = String.valueOf(value);
            if (key.toLowerCase(Locale.ROOT).endsWith("sasl.jaas.config")) {
                out.put(key, maskJaas(text));
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

    /** A JAAS entry with every option's value masked but the user name's (which says who logs in, not how). */
    static String maskJaas(String jaas) {
        return JAAS_OPTION.matcher(jaas).replaceAll(match -> {
            boolean user = match.group(1).equalsIgnoreCase("username") || match.group(1).equalsIgnoreCase("user");
            return java.util.regex.Matcher.quoteReplacement(match.group(1) + match.group(2)
                    + (user ? match.group(3) : MASK));
        });
    }
}
