package dev.signalgate.gateway.browser;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page ({@code /demo/}) as the tests use it: through its form, buttons and rendered state, the way a
 * person would, plus a few reads of the adapter's state through {@code window.signalgateDemo}.
 */
final class DemoPage {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final Browser browser;
    private final WebDriver driver;
    private String name;

    DemoPage(Browser browser) {
        this.browser = browser;
        this.driver = browser.driver();
    }

    Browser browser() {
        return browser;
    }

    /** Opens the demo and waits until it has found the gateway in development mode. */
    DemoPage open(URI gateway) {
        // The gateway serves static files by exact path: /demo/ itself has no index mapping (yet).
        driver.get(gateway.resolve("/demo/index.html").toString());
        await("the demo to detect development mode", WAIT,
                d -> d.findElement(By.id("mode-hint")).getText().startsWith("Development mode"));
        return this;
    }

    /** Fills the form and enters the room; waits until the chat is joined. */
    DemoPage enter(String name, String role, String room) {
        this.name = name;
        WebElement nameField = driver.findElement(By.id("name"));
        nameField.clear();
        nameField.sendKeys(name);
        driver.findElement(By.id("role-" + role)).click();
        WebElement roomField = driver.findElement(By.id("room"));
        roomField.clear();
        roomField.sendKeys(room);
        driver.findElement(By.id("enter")).click();
        await("the room view", WAIT, d -> d.findElement(By.id("room-view")).isDisplayed());
        awaitConnection("open", WAIT);
        return this;
    }

    /** The name entered in the form: what the other side's page shows for this user. */
    String displayName() {
        return name;
    }

    /** Reloads the tab; the demo enters the same room again from its sessionStorage. Waits until it has. */
    void reload() {
        driver.navigate().refresh();
        await("the room view after the reload", WAIT, d -> d.findElement(By.id("room-view")).isDisplayed());
        awaitConnection("open", WAIT);
    }

    /** The names in the member list, as shown (the own entry ends in " (you)"). */
    @SuppressWarnings("unchecked")
    List<String> memberNames() {
        return (List<String>) browser.script(
                "return [...document.querySelectorAll('#members li')].map((item) => item.textContent);");
    }

    /** The author shown on the rendered message with this body, or null. */
    String authorOf(String body) {
        return (String) browser.script("""
                const item = [...document.querySelectorAll('#messages li.message')]
                    .find((entry) => entry.querySelector('.body').textContent === arguments[0]);
                return item ? item.querySelector('.author').textContent : null;
                """, body);
    }

    // ---- ringing ----

    /** The incoming-call banner's text, or null while it is hidden. */
    String ringing() {
        WebElement banner = driver.findElement(By.id("ringing"));
        return banner.isDisplayed() ? banner.findElement(By.className("who")).getText() : null;
    }

    void awaitRinging(String text) {
        await("the banner \"" + text + "\"", WAIT, d -> text.equals(ringing()));
    }

    void awaitNoRinging() {
        await("no incoming-call banner", WAIT, d -> ringing() == null);
    }

    void answerRinging() {
        driver.findElement(By.cssSelector("#ringing button.join")).click();
    }

    void declineRinging() {
        driver.findElement(By.cssSelector("#ringing button.decline")).click();
    }

    String userId() {
        return (String) browser.script("return window.signalgateDemo.client.userId");
    }

    // ---- connection ----

    String connectionState() {
        return driver.findElement(By.id("conn-state")).getAttribute("data-state");
    }

    /** {@code websocket} or {@code http}, as the page shows it; empty before the first welcome. */
    String transport() {
        return driver.findElement(By.id("conn-transport")).getAttribute("data-transport");
    }

    void awaitConnection(String state, Duration timeout) {
        await("connection state " + state, timeout, d -> state.equals(connectionState()));
    }

    void awaitDisconnected(Duration timeout) {
        await("the page to notice the connection loss", timeout, d -> !"open".equals(connectionState()));
    }

    // ---- chat ----

    /** Types a message and sends it. */
    void send(String body) {
        type(body);
        submit();
    }

    /** Sends what is in the message field. */
    void submit() {
        driver.findElement(By.id("send")).click();
    }

    /** Types into the message field without sending. */
    void type(String text) {
        driver.findElement(By.id("message-input")).sendKeys(text);
    }

    /** Empties the message field the way a user would (each deletion fires an input event). */
    void clearInput() {
        driver.findElement(By.id("message-input")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    }

    /** The rendered messages with this body: [{state, history, receipt, own}]. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages(String body) {
        return (List<Map<String, Object>>) browser.script("""
                return [...document.querySelectorAll('#messages li.message')]
                    .filter((item) => item.querySelector('.body').textContent === arguments[0])
                    .map((item) => ({ state: item.dataset.state, history: item.dataset.history ?? '',
                        receipt: item.dataset.receipt ?? '', own: item.classList.contains('own') }));
                """, body);
    }

    /** Waits until exactly one message with this body is rendered, in {@code state}; returns it. */
    Map<String, Object> awaitMessage(String body, String state, Duration timeout) {
        await("one message \"" + body + "\" in state " + state, timeout, d -> {
            List<Map<String, Object>> found = messages(body);
            return found.size() == 1 && state.equals(found.get(0).get("state"));
        });
        return messages(body).get(0);
    }

    void awaitReceipt(String body, String receipt) {
        await("message \"" + body + "\" with receipt " + receipt, WAIT, d -> {
            List<Map<String, Object>> found = messages(body);
            return found.size() == 1 && receipt.equals(found.get(0).get("receipt"));
        });
    }

    String typingIndicator() {
        return driver.findElement(By.id("typing")).getText();
    }

    void awaitTyping(Function<String, Boolean> condition, String what) {
        await("typing indicator " + what, WAIT, d -> condition.apply(typingIndicator()));
    }

    /** How many stored messages of the room have this body, asked with chat:history through the adapter. */
    long storedCount(String body) {
        Object count = browser.asyncScript("""
                const [body, done] = arguments;
                const chat = window.signalgateDemo.chat;
                window.signalgateDemo.client.request('chat:history', chat.room, { limit: 100 })
                    .then((ack) => done(ack.messages.filter((m) => m.body === body).length),
                          (error) => done(-1));
                """, body);
        return ((Number) count).longValue();
    }

    // ---- call ----

    void startCall() {
        driver.findElement(By.id("call-start")).click();
    }

    void hangUp() {
        driver.findElement(By.id("call-end")).click();
    }

    /** The call's state as the page keeps it ({@code idle}, {@code waiting}, {@code connected}, ...). */
    String callState() {
        return driver.findElement(By.id("call-state")).getAttribute("data-state");
    }

    /** From now on, records every text the call state shows (until the page reloads). */
    void recordCallStateTexts() {
        browser.script("""
                const state = document.getElementById('call-state');
                window.callStateTexts = [state.textContent];
                new MutationObserver(() => window.callStateTexts.push(state.textContent))
                    .observe(state, { childList: true, characterData: true, subtree: true });
                """);
    }

    /** Every text the call state showed since {@link #recordCallStateTexts}. */
    @SuppressWarnings("unchecked")
    List<String> callStateTextsShown() {
        return (List<String>) browser.script("return window.callStateTexts ?? [];");
    }

    /** What the page says about the call, in words. */
    String callStateText() {
        return driver.findElement(By.id("call-state")).getText();
    }

    void awaitCallState(String state, Duration timeout) {
        await("call state " + state, timeout, d -> state.equals(callState()));
    }

    /** Kinds of the live tracks of the remote video element's stream, e.g. [audio, video]. */
    @SuppressWarnings("unchecked")
    List<String> remoteTrackKinds() {
        return (List<String>) browser.script("""
                const stream = document.getElementById('remote-video').srcObject;
                const live = stream ? stream.getTracks().filter((t) => t.readyState === 'live') : [];
                return live.map((t) => t.kind).sort();
                """);
    }

    /** Whether the remote video element shows decoded frames. */
    boolean remoteVideoPlaying() {
        return Boolean.TRUE.equals(browser.script("""
                const video = document.getElementById('remote-video');
                return video.videoWidth > 0 && video.readyState >= 2;
                """));
    }

    String remoteLabel() {
        return driver.findElement(By.id("remote-label")).getText();
    }

    /** The call status line's state ({@code waiting}, {@code reconnecting}, {@code resumed}, ...). */
    String callStatus() {
        return driver.findElement(By.id("call-status")).getAttribute("data-state");
    }

    /** Every state the call status line went through, e.g. {@code [reconnecting, resumed]}. */
    List<String> callStatusHistory() {
        String history = driver.findElement(By.id("call-status")).getAttribute("data-history");
        return history == null || history.isBlank() ? List.of() : List.of(history.trim().split(" "));
    }

    String callStatusText() {
        return driver.findElement(By.id("call-status")).getText();
    }

    /** User ids listed as waiting to join, with Admit and Decline buttons. */
    @SuppressWarnings("unchecked")
    List<String> admissionRequests() {
        return (List<String>) browser.script(
                "return [...document.querySelectorAll('#admissions li')].map((item) => item.dataset.userId);");
    }

    void admit(String userId) {
        driver.findElement(By.cssSelector("#admissions li[data-user-id='" + userId + "'] button.admit")).click();
    }

    /** A number read from the live call object, e.g. {@code iceRestarts}; -1 without a call. */
    long callNumber(String property) {
        Object value = browser.script("return window.signalgateDemo.call?.[arguments[0]] ?? -1", property);
        return ((Number) value).longValue();
    }

    /** Video frames the remote video element has decoded so far. */
    long remoteFramesDecoded() {
        Object value = browser.script("""
                const video = document.getElementById('remote-video');
                return video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
                """);
        return ((Number) value).longValue();
    }

    // ---- waiting ----

    /** Waits for a condition; on timeout the message says what was awaited and what the page showed. */
    void await(String what, Duration timeout, Function<WebDriver, Boolean> condition) {
        Supplier<String> state = () -> "waiting for " + what + " on " + browser.name() + "; connection: "
                + safe(this::connectionState) + ", call: " + safe(this::callState) + ", call status: "
                + safe(() -> String.valueOf(callStatusHistory())) + ", messages: "
                + safe(() -> driver.findElement(By.id("messages")).getText().replace('\n', '|'));
        new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .withMessage(state)
                .ignoring(NoSuchElementException.class)
                .until(condition::apply);
    }

    private static String safe(Supplier<String> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
