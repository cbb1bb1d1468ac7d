package dev.signalgate.gateway.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium with its own fresh profile, driven through chromedriver: one user of the demo. Fake camera
 * and microphone stand in for real devices. Both executables come from fixed paths ({@link BrowserTools}), so
 * Selenium Manager never looks for, or downloads, anything.
 */
final class Browser implements AutoCloseable {

    /** Where screenshots and console logs go (the failsafe configuration points it into target/). */
    static final Path ARTIFACTS = Path.of(System.getProperty("browser.artifacts", "target/browser-artifacts"));

    private final String name;
    private final Path profile;
    private final ChromeDriver driver;

    private Browser(String name, Path profile, ChromeDriver driver) {
        this.name = name;
        this.profile = profile;
        this.driver = driver;
    }

    /** Starts a browser; {@code name} labels its screenshots and console log. */
    static Browser open(String name) {
        return open(name, new String[0]);
    }

    /** Starts a browser whose every request, loopback included, goes through the HTTP proxy on this port. */
    static Browser behindProxy(String name, int proxyPort) {
        // Chromium bypasses a proxy for loopback unless told not to.
        return open(name, "--proxy-server=http://127.0.0.1:" + proxyPort, "--proxy-bypass-list=<-loopback>");
    }

    private static Browser open(String name, String... extraArguments) {
        BrowserTools.requireBrowser();
        System.setProperty("webdriver.chrome.driver", BrowserTools.CHROMEDRIVER);
        Path profile;
        try {
            profile = Files.createTempDirectory("signalgate-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserTools.CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--user-data-dir=" + profile,
                "--window-size=1280,900",
                // Loopback WebRTC without STUN: plain host candidates instead of mDNS names.
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required");
        options.addArguments(extraArguments);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(BrowserTools.CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        return new Browser(name, profile, new ChromeDriver(service, options));
    }

    ChromeDriver driver() {
        return driver;
    }

    String name() {
        return name;
    }

    /** Cuts this browser off the network (new connections fail) or lets it back on. */
    void offline(boolean offline) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setOffline(offline);
        driver.setNetworkConditions(conditions);
    }

    /** Saves a screenshot as {@code <label>.png} under {@link #ARTIFACTS} and returns its path. */
    Path screenshot(String label) {
        try {
            Files.createDirectories(ARTIFACTS);
            Path file = ARTIFACTS.resolve(label + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A screenshot for diagnosis: never fails, does nothing for a browser that did not start. */
    static void screenshotQuietly(Browser browser, String label) {
        if (browser != null) {
            try {
                browser.screenshot(label);
            } catch (RuntimeException e) {
                // diagnostics only
            }
        }
    }

    /** Appends the page's console output so far to {@code <name>-console.log} under {@link #ARTIFACTS}. */
    void saveConsole() {
        try {
            drainConsole();
        } catch (RuntimeException e) {
            // diagnostics only
        }
    }

    /**
     * The console errors (level SEVERE: uncaught exceptions, failed loads such as a missing favicon) logged since the
     * last read; everything read is also appended to the console log file.
     */
    List<String> consoleErrors() {
        return drainConsole().stream().filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** Reads the console entries since the last read (chromedriver hands each out once) and saves them. */
    private List<LogEntry> drainConsole() {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        try {
            Files.createDirectories(ARTIFACTS);
            String text = entries.stream().map(entry -> entry.getTimestamp() + " " + entry.getLevel() + " "
                    + entry.getMessage()).collect(Collectors.joining("\n", "", "\n"));
            Files.writeString(ARTIFACTS.resolve(name + "-console.log"), text, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // diagnostics only
        }
        return entries;
    }

    /** Runs a script in the page: see {@link ChromeDriver#executeScript}. */
    Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Runs an async script in the page; its last argument is the callback. */
    Object asyncScript(String script, Object... args) {
        return driver.executeAsyncScript(script, args);
    }

    @Override
    public void close() {
        saveConsole();
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary profile: leaving it behind is harmless
            }
        }
    }
}
