package dev.signalgate.gateway.browser;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The Vite example's page ({@code examples/vite-consult}) as a person uses it: its form, buttons and text. */
final class VitePage {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final Browser browser;
    private final WebDriver driver;

    VitePage(Browser browser) {
        this.browser = browser;
        this.driver = browser.driver();
    }

    /** Opens the page, fills the form and joins; waits until the connection is open. */
    VitePage join(URI page, String user, String name, String room) {
        driver.get(page.toString());
        fill("user", user);
        fill("name", name);
        fill("room", room);
        driver.findElement(By.id("join")).click();
        await("the connection to open", d -> "open".equals(
                d.findElement(By.id("state")).getAttribute("data-state")));
        return this;
    }

    void send(String body) {
        driver.findElement(By.id("message")).sendKeys(body);
        driver.findElement(By.id("send")).click();
    }

    /** The rendered messages' text ("Sender name: body") and state, as "state|text". */
    @SuppressWarnings("unchecked")
    List<String> messages() {
        return (List<String>) browser.script("return [...document.querySelectorAll('#messages li')]"
                + ".map((item) => item.dataset.state + '|' + item.textContent);");
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    String callState() {
        return driver.findElement(By.id("call-state")).getAttribute("data-state");
    }

    /** Whether the remote video element shows decoded frames. */
    boolean remoteVideoPlaying() {
        return Boolean.TRUE.equals(browser.script("""
                const video = document.getElementById('remote-video');
                return video.videoWidth > 0 && video.readyState >= 2;
                """));
    }

    void await(String what, java.util.function.Function<WebDriver, Boolean> condition) {
        await(what, WAIT, condition);
    }

    void await(String what, Duration timeout, java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .withMessage(() -> "waiting for " + what + " on " + browser.name() + "; messages: " + messages()
                        + ", call: " + callState())
                .ignoring(NoSuchElementException.class)
                .until(condition::apply);
    }

    private void fill(String name, String value) {
        WebElement field = driver.findElement(By.name(name));
        field.clear();
        field.sendKeys(value);
    }
}
