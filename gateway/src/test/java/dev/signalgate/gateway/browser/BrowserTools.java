package dev.signalgate.gateway.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tools the browser tests need (Node.js for the adapter's unit tests, npm to pack the adapter and build the
 * Vite example, Chromium and chromedriver for the end-to-end tests), and one check that fails with what to install
 * when one is missing: the tests never skip.
 *
 * <p>Uses only the JDK, so that the {@code browser} Maven profile can also run it as a single-file program before
 * the tests: {@code java BrowserTools.java <node> <chromium> <chromedriver> <npm>}.
 */
public final class BrowserTools {

    static final String NODE = System.getProperty("browser.node", "node");
    static final String NPM = System.getProperty("browser.npm", "npm");
    static final String CHROMIUM = System.getProperty("browser.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("browser.chromedriver",
            System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));

    private static final Pattern NODE_VERSION = Pattern.compile("v(\\d+)\\.(\\d+)");

    private BrowserTools() {
    }

    public static void main(String[] args) {
        List<String> problems = problems(args.length > 0 ? args[0] : NODE, args.length > 1 ? args[1] : CHROMIUM,
                args.length > 2 ? args[2] : CHROMEDRIVER);
        checkNpm(problems, args.length > 3 ? args[3] : NPM);
        if (!problems.isEmpty()) {
            System.err.println(report(problems));
            System.exit(1);
        }
        System.out.println("browser tools: node, npm, chromium and chromedriver found");
    }

    /** Throws with install instructions unless Chromium and chromedriver are there. */
    static void requireBrowser() {
        List<String> problems = new ArrayList<>();
        checkExecutable(problems, CHROMIUM, "Chromium", "chromium");
        checkExecutable(problems, CHROMEDRIVER, "chromedriver", "chromium-driver");
        if (!problems.isEmpty()) {
            throw new IllegalStateException(report(problems));
        }
    }

    static List<String> problems(String node, String chromium, String chromedriver) {
        List<String> problems = new ArrayList<>();
        checkNode(problems, node);
        checkExecutable(problems, chromium, "Chromium", "chromium");
        checkExecutable(problems, chromedriver, "chromedriver", "chromium-driver");
        return problems;
    }

    private static void checkExecutable(List<String> problems, String path, String what, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            problems.add(what + " not found at " + path + ": install it (Debian: apt-get install -y " + debianPackage
                    + ") or point -Dbrowser." + (what.equals("Chromium") ? "chromium" : "chromedriver")
                    + "=<path> at it");
        }
    }

    /** npm packs the adapter and builds the Vite example; Debian ships it apart from Node.js. */
    static void checkNpm(List<String> problems, String npm) {
        try {
            Process process = new ProcessBuilder(npm, "--version").redirectErrorStream(true).start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                problems.add("'" + npm + " --version' failed (" + version + "): install npm (Debian: apt-get install"
                        + " -y npm)");
            }
        } catch (IOException e) {
            problems.add("npm not found ('" + npm + "'): install it (Debian: apt-get install -y npm; it comes with"
                    + " Node.js from nodejs.org) or point -Dbrowser.npm=<path> at it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted while checking npm");
        }
    }

    private static void checkNode(List<String> problems, String node) {
        String version;
        try {
            Process process = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
                problems.add("'" + node + " --version' failed (" + version + "): install Node.js 20.19 or later");
                return;
            }
        } catch (IOException e) {
            problems.add("Node.js not found ('" + node + "'): install Node.js 20.19 or later (Debian: apt-get"
                    + " install -y nodejs, or from nodejs.org) or point -Dbrowser.node=<path> at it");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted while checking Node.js");
            return;
        }
        Matcher matcher = NODE_VERSION.matcher(version);
        if (!matcher.find()) {
            problems.add("cannot read the Node.js version from '" + version + "': install Node.js 20.19 or later");
            return;
        }
        int major = Integer.parseInt(matcher.group(1));
        int minor = Integer.parseInt(matcher.group(2));
        if (major < 20 || (major == 20 && minor < 19)) {
            problems.add("Node.js " + version + " is too old: the adapter's tests need 20.19 or later (built-in test"
                    + " runner, ES module syntax detection)");
        }
    }

    private static String report(List<String> problems) {
        return "The browser tests cannot run:\n  - " + String.join("\n  - ", problems);
    }
}
