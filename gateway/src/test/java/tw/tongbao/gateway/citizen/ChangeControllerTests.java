package tw.tongbao.gateway.citizen;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.NationalId;
import tw.tongbao.core.delivery.ChangeStatus;
import tw.tongbao.core.routing.RecipientPolicy;
import tw.tongbao.gateway.security.Filer;

/** The citizen API's answers to bad requests, with the database replaced: nothing may reach the filing. */
class ChangeControllerTests {

    private static final String FILER = ChangeRequestReaderTests.SUBJECT;

    private final JsonMapper json = JsonMapper.builder().build();
    private final ChangeFiling filing = mock(ChangeFiling.class);
    private final ChangeQueries queries = mock(ChangeQueries.class);
    private MockMvc mvc;

    @BeforeEach
    void setUp() {
        ChangeRequestReader reader =
                new ChangeRequestReader(new RecipientPolicy(TestAgencies.registry()), ChangeRequestReaderTests.CLOCK);
        ChangeIntake intake = new ChangeIntake(reader, filing, queries, json, Runnable::run);
        when(queries.findAnswer(any(), any())).thenReturn(Optional.empty());
        mvc = MockMvcBuilders.standaloneSetup(new ChangeController(intake, queries))
                .setControllerAdvice(new CitizenProblems())
                .setCustomArgumentResolvers(new FixedFiler())
                .build();
    }

    @Test
    void answersAnInvalidBodyWith422ListingTheFields() throws Exception {
        Map<String, Object> body = Changes.addressChange(FILER, "2026-12-01", "NTA");
        Changes.addressOf(body).put("postalCode", "12");

        perform(filing(json.writeValueAsString(body)))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(422))
                .andExpect(jsonPath("$.errors[*].field", hasItem("data.address.postalCode")))
                .andExpect(jsonPath("$.errors[*].field", hasItem("notify")));
        verify(filing, never()).file(any(), any(), any(), any());
    }

    @Test
    void answersMalformedJsonWith400() throws Exception {
        perform(filing("{\"type\": \"ADDRESS_CHANGE\",")).andExpect(status().isBadRequest());
        perform(filing("{} {}")).andExpect(status().isBadRequest());
        perform(filing("[]")).andExpect(status().isBadRequest());
        verify(filing, never()).file(any(), any(), any(), any());
    }

    @Test
    void requiresAnIdempotencyKey() throws Exception {
        String body = json.writeValueAsString(Changes.addressChange(FILER, "2026-12-01"));

        perform(post("/api/v1/changes").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("the Idempotency-Key header is required"));
        perform(filing(body).header(IdempotencyKey.HEADER, "x".repeat(256))).andExpect(status().isBadRequest());
    }

    @Test
    void answersABodyOver64KiBWith413() throws Exception {
        Map<String, Object> body = Changes.addressChange(FILER, "2026-12-01");
        body.put("padding", "x".repeat(64 * 1024));

        perform(filing(json.writeValueAsString(body))).andExpect(status().isContentTooLarge());
        verify(filing, never()).file(any(), any(), any(), any());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data"})
    void answersANonJsonBodyWith415(String contentType) throws Exception {
        String body = json.writeValueAsString(Changes.addressChange(FILER, "2026-12-01"));

        perform(post("/api/v1/changes")
                        .header(IdempotencyKey.HEADER, "key-1")
                        .contentType(contentType)
                        .content(body))
                .andExpect(status().isUnsupportedMediaType());
        verify(filing, never()).file(any(), any(), any(), any());
    }

    @ParameterizedTest(name = "a body of {0} bytes is {1}")
    @CsvSource({"65536, accepted", "65537, refused"})
    void capsTheBodyAt64KiB(int size, String verdict) throws Exception {
        Map<String, Object> change = Changes.addressChange(FILER, "2026-12-01");
        int padding = size - json.writeValueAsBytes(change).length;
        // Whitespace pads the body without changing what it says, so the only difference is its size.
        String body = json.writeValueAsString(change) + " ".repeat(padding);
        when(filing.file(any(), any(), any(), any()))
                .thenReturn(CompletableFuture.completedFuture(ChangeAnswer.of(answer("TB-7F3K9QXZ2MAB"), json)));

        perform(filing(body))
                .andExpect("accepted".equals(verdict) ? status().isAccepted() : status().isContentTooLarge());
    }

    @Test
    void sendsTheAnswersStoredJsonAsTheBodyByteForByte() throws Exception {
        // Not what the web layer would write for the view: proves the body is the stored JSON, not a second one.
        byte[] stored =
                "{\"receipt\":\"TB-7F3K9QXZ2MAB\",\"sequence\":1, \"note\":\"臺\"}".getBytes(StandardCharsets.UTF_8);
        when(filing.file(any(), any(), any(), any()))
                .thenReturn(CompletableFuture.completedFuture(new ChangeAnswer(answer("TB-7F3K9QXZ2MAB"), stored)));
        String body = json.writeValueAsString(Changes.addressChange(FILER, "2026-12-01"));

        perform(filing(body))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/changes/TB-7F3K9QXZ2MAB"))
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(content().bytes(stored));
    }

    @Test
    void answersAReplayWithTheStoredBytesOfTheFirstAnswer() throws Exception {
        Map<String, Object> change = Changes.addressChange(FILER, "2026-12-01");
        String body = json.writeValueAsString(change);
        ChangeView first = answer("TB-7F3K9QXZ2MAB");
        // Spaced unlike anything the mapper writes, so only the stored text itself can match.
        byte[] storedJson = (" " + json.writeValueAsString(first) + "\n").getBytes(StandardCharsets.UTF_8);
        when(filing.file(any(), any(), any(), any())).thenReturn(CompletableFuture.failedFuture(new KeyAlreadyFiled()));
        when(queries.findAnswer(any(), any()))
                .thenReturn(Optional.of(
                        new ChangeQueries.StoredAnswer(RequestFingerprint.of(json.readTree(body)), first, storedJson)));

        perform(filing(body))
                .andExpect(status().isAccepted())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(content().bytes(storedJson));
    }

    @Test
    void forbidsFilingAboutSomeoneElse() throws Exception {
        String body = json.writeValueAsString(Changes.addressChange("B120000008", "2026-12-01"));

        perform(filing(body)).andExpect(status().isForbidden());
        verify(filing, never()).file(any(), any(), any(), any());
    }

    @Test
    void acceptsADeathReportAboutSomeoneElse() throws Exception {
        ChangeView filed = new ChangeView(
                "TB-7F3K9QXZ2MAB",
                ChangeType.DEATH_REPORT,
                ChangeStatus.IN_PROGRESS,
                Instant.parse("2026-11-26T01:00:00Z"),
                1,
                List.of());
        when(filing.file(any(), any(), any(), any()))
                .thenReturn(CompletableFuture.completedFuture(ChangeAnswer.of(filed, json)));
        String body = json.writeValueAsString(Changes.deathReport("B120000008", "2026-11-20"));

        perform(filing(body))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/changes/TB-7F3K9QXZ2MAB"))
                .andExpect(jsonPath("$.receipt").value("TB-7F3K9QXZ2MAB"));
    }

    @Test
    void answersAKeyFiledBeforeWithItsFirstAnswerEvenWhenTodaysRulesRefuseTheBody() throws Exception {
        Map<String, Object> change = Changes.addressChange(FILER, "2026-12-01");
        Changes.addressOf(change).put("postalCode", "12");
        String body = json.writeValueAsString(change);
        when(queries.findAnswer(any(), any()))
                .thenReturn(Optional.of(stored(RequestFingerprint.of(json.readTree(body)), answer("TB-7F3K9QXZ2MAB"))));

        perform(filing(body))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.receipt").value("TB-7F3K9QXZ2MAB"));
        verify(filing, never()).file(any(), any(), any(), any());
    }

    @Test
    void answersAKeyTheFilingFindsTakenAsAReplayOrWith409() throws Exception {
        String body = json.writeValueAsString(Changes.addressChange(FILER, "2026-12-01", "TPC"));
        when(filing.file(any(), any(), any(), any())).thenReturn(CompletableFuture.failedFuture(new KeyAlreadyFiled()));
        when(queries.findAnswer(any(), any()))
                .thenReturn(Optional.of(stored(RequestFingerprint.of(json.readTree(body)), answer("TB-7F3K9QXZ2MAB"))));

        perform(filing(body))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.receipt").value("TB-7F3K9QXZ2MAB"));

        when(queries.findAnswer(any(), any()))
                .thenReturn(Optional.of(stored("0".repeat(64), answer("TB-7F3K9QXZ2MAB"))));

        perform(filing(body)).andExpect(status().isConflict());
    }

    @Test
    void answersAFilingThatCannotQueueWith503AndRetryAfter() throws Exception {
        String body = json.writeValueAsString(Changes.addressChange(FILER, "2026-12-01", "TPC"));
        when(filing.file(any(), any(), any(), any())).thenThrow(new FilingUnavailable("1000 filings are waiting"));

        perform(filing(body))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void answersAFilingThatHasNotCommittedWhenItsWaitEndsWith503AndRetryAfter() throws Exception {
        String body = json.writeValueAsString(Changes.addressChange(FILER, "2026-12-01", "TPC"));
        when(filing.file(any(), any(), any(), any())).thenReturn(new CompletableFuture<>());

        MvcResult waiting =
                mvc.perform(filing(body)).andExpect(request().asyncStarted()).andReturn();
        MockAsyncContext wait = (MockAsyncContext) waiting.getRequest().getAsyncContext();
        for (AsyncListener listener : wait.getListeners()) {
            listener.onTimeout(new AsyncEvent(wait));
        }

        mvc.perform(asyncDispatch(waiting))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(jsonPath("$.detail").value(containsString("same Idempotency-Key")));
    }

    /** Performs the request and, where the handler answers later (a filing), the dispatch that sends the answer. */
    private ResultActions perform(RequestBuilder request) throws Exception {
        ResultActions answered = mvc.perform(request);
        MvcResult result = answered.andReturn();
        return result.getRequest().isAsyncStarted() ? mvc.perform(asyncDispatch(result)) : answered;
    }

    private static ChangeView answer(String receipt) {
        return new ChangeView(
                receipt,
                ChangeType.ADDRESS_CHANGE,
                ChangeStatus.IN_PROGRESS,
                Instant.parse("2026-11-26T01:00:00Z"),
                1,
                List.of());
    }

    /** A stored first answer, its JSON as the filing wrote it. */
    private ChangeQueries.StoredAnswer stored(String requestHash, ChangeView view) {
        return new ChangeQueries.StoredAnswer(requestHash, view, json.writeValueAsBytes(view));
    }

    private static MockHttpServletRequestBuilder filing(String body) {
        return post("/api/v1/changes")
                .header(IdempotencyKey.HEADER, "key-1")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body);
    }

    /** Stands in for the security feature's resolver: every request is signed in as {@link #FILER}. */
    private static final class FixedFiler implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Filer.class.equals(parameter.getParameterType());
        }

        @Override
        public Object resolveArgument(
                MethodParameter parameter,
                ModelAndViewContainer mavContainer,
                NativeWebRequest request,
                WebDataBinderFactory binderFactory) {
            return new Filer(new NationalId(FILER), null);
        }
    }
}
