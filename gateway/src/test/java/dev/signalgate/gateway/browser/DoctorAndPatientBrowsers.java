package dev.signalgate.gateway.browser;

import org.junit.jupiter.api.AfterAll;

/**
 * What every browser test starts from: a gateway of its own and two Chromium windows, the doctor's and the
 * patient's, named {@code <name>-doctor} and {@code <name>-patient}; a last screenshot of each
 * ({@code <name>-doctor-end.png}) is taken when the test class ends, whatever happened.
 *
 * <p>A test class calls {@link #startGatewayAndBrowsers} from its own {@code @BeforeAll}. Browser tests run one
 * class at a time, so the fields are shared statics.
 */
abstract class DoctorAndPatientBrowsers {

    protected static TestGateway gateway;
    protected static Browser doctorBrowser;
    protected static Browser patientBrowser;
    private static String name;

    /** Fails naming what to install when Chromium, its driver or Node is missing, then starts everything. */
    static void startGatewayAndBrowsers(String testName) {
        BrowserTools.requireBrowser();
        name = testName;
        gateway = TestGateway.start();
        doctorBrowser = Browser.open(testName + "-doctor");
        patientBrowser = Browser.open(testName + "-patient");
    }

    @AfterAll
    static void stopGatewayAndBrowsers() {
        try (TestGateway g = gateway; Browser d = doctorBrowser; Browser p = patientBrowser) {
            Browser.screenshotQuietly(d, name + "-doctor-end");
            Browser.screenshotQuietly(p, name + "-patient-end");
        }
    }
}
