package dev.failover.ctl.config;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where failoverctl's config file is and how it is read and changed. The first of: {@code --config},
 * {@code FAILOVERCTL_CONFIG}, {@code $XDG_CONFIG_HOME/failoverctl/config.yaml}, {@code ~/.config/failoverctl/config.yaml}.
 * The default file may be absent (no contexts); a file named on purpose must exist.
 *
 * @param path     the file
 * @param explicit named by --config or FAILOVERCTL_CONFIG
 */
public record ConfigFile(Path path, boolean explicit) {

    private static final Pattern CURRENT = Pattern.compile("(?m)^current-context[ \\t]*:.*$");

    /** The config file for this command line and environment. */
    public static ConfigFile locate(Path option, Map<String, String> env) {
        if (option != null) {
            return new ConfigFile(option, true);
        }
        String named = env.get("FAILOVERCTL_CONFIG");
        if (named != null && !named.isBlank()) {
            return new ConfigFile(Path.of(named), true);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return new ConfigFile(base.resolve("failoverctl").resolve("config.yaml"), false);
    }

    /** The config, empty when the default file does not exist. */
    public CtlConfig load() throws CtlConfig.InvalidConfigException {
        if (!Files.exists(path)) {
            if (explicit) {
                throw new CtlConfig.InvalidConfigException(path, java.util.List.of("no such file"));
            }
            return new CtlConfig(path, null, Map.of(), Map.of(), Map.of());
        }
        try {
            return CtlConfig.parse(path, Files.readString(path));
        } catch (IOException e) {
            throw new CtlConfig.InvalidConfigException(path, java.util.List.of("cannot be read: " + e.getMessage()));
        }
    }

    /**
     * Makes a context current: only the {@code current-context:} line is written (added when absent), so comments and
     * the rest of the file stay as they were; the file is replaced atomically, keeping its permissions.
     */
    public void useContext(String name) throws CtlConfig.InvalidConfigException, IOException {
        CtlConfig config = load();
        if (config.context(name).isEmpty()) {
            throw new CtlConfig.InvalidConfigException(path,
                    java.util.List.of("no context named '" + name + "' (contexts: "
                            + (config.contexts().isEmpty() ? "none" : String.join(", ", config.contexts().keySet()))
                            + ")"));
        }
        String text = Files.exists(path) ? Files.readString(path) : "";
        String line = "current-context: " + name;
        Matcher m = CURRENT.matcher(text);
        String updated = m.find() ? m.replaceFirst(Matcher.quoteReplacement(line)) : line + "\n" + text;
        Path temp = path.resolveSibling("." + path.getFileName() + ".tmp");
        Files.writeString(temp, updated);
        try {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(path));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions
        }
        try {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

}
