package io.graphagent.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Debian {@code chromium} driven headless through its {@code chromedriver}, for the dashboard
 * tests: fixed binaries, a fresh profile, no network of its own, so nothing is downloaded or
 * remembered between runs. Fails (never skips) when the packages are missing: CI installs them.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go, for review (under the cli module's target/). */
    static final Path SCREENSHOTS = Path.of("target", "dashboard");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static HeadlessChromium start() throws IOException {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            fail("the dashboard tests need " + BROWSER + " and " + DRIVER + ": run .ci/run, or apt-get install"
                    + " --no-install-recommends chromium chromium-driver");
        }
        System.setProperty("SE_OFFLINE", "true");
        Path profile = Files.createTempDirectory("graphagent-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    WebDriverWait waitUpTo(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.withMessage(this::pageNow);
        return wait;
    }

    /** The text of the first element matching {@code css}, or "" when there is none. */
    String text(String css) {
        return fresh(() -> driver.findElements(By.cssSelector(css)).stream().findFirst().map(WebElement::getText).orElse(""));
    }

    /** The attribute of the first element matching {@code css}, or "" when there is none. */
    String attribute(String css, String name) {
        return fresh(() -> driver.findElements(By.cssSelector(css)).stream().findFirst().map(e -> e.getAttribute(name))
                .map(v -> v == null ? "" : v).orElse(""));
    }

    /** The page re-renders every second: an element found may be replaced before it is read; find it again. */
    private static <T> T fresh(java.util.function.Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** What the page shows now, for failure messages. */
    private String pageNow() {
        try {
            return "page " + driver.getCurrentUrl() + " status=" + driver.findElement(By.tagName("body")).getAttribute("data-status")
                    + " shows:\n" + driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "page unreadable: " + e;
        }
    }

    Object script(String js) {
        return driver.executeScript(js);
    }

    /** Saves the whole page (the window grown to its height) as {@code target/dashboard/NAME.png}. */
    Path screenshot(String name) throws IOException {
        Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
        Dimension before = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(before.getWidth(), Math.max(before.getHeight(), height.intValue() + 120)));
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(before);
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
