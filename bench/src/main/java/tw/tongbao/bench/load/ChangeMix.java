package tw.tongbao.bench.load;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * Realistic citizen filings: mostly address changes, then contact and name changes, a few death reports, each on a
 * subject not filed for earlier in the run (so no change supersedes another), consent agencies chosen at random.
 */
public final class ChangeMix {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Characters every agency charset (UTF-8 and Big5) can carry.
    private static final String[] SURNAMES = {"陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊"};
    private static final String[] GIVEN = {"志明", "淑芬", "家豪", "怡君", "俊傑", "雅婷", "建宏", "美玲", "冠宇", "佳蓉"};
    private static final String[][] PLACES = {
        {"106", "台北市", "大安區", "羅斯福路四段"},
        {"110", "臺北市", "信義區", "松仁路"},
        {"220", "新北市", "板橋區", "文化路一段"},
        {"300", "新竹市", "東區", "光復路二段"},
        {"407", "臺中市", "西屯區", "臺灣大道三段"},
        {"701", "臺南市", "東區", "大學路"},
        {"802", "高雄市", "苓雅區", "四維三路"},
        {"970", "花蓮縣", "花蓮市", "中山路"}
    };

    private final AtomicLong nextSubject;
    private final SplittableRandom seed;

    /** A mix whose subjects start at the given index of {@link NationalIds}. */
    public ChangeMix(long firstSubject, long randomSeed) {
        this.nextSubject = new AtomicLong(firstSubject);
        this.seed = new SplittableRandom(randomSeed);
    }

    /**
     * One filing.
     *
     * @param filerId the national ID in {@code X-Citizen-Id}
     * @param filerName the filer's name (not yet URL-encoded)
     * @param type the change type
     * @param body the JSON request body
     */
    public record Filing(String filerId, String filerName, String type, String body) {}

    /** The next filing; thread-safe. */
    public Filing next() {
        SplittableRandom random;
        synchronized (seed) {
            random = seed.split();
        }
        String subject = NationalIds.nth(nextSubject.getAndIncrement());
        String name = name(random);
        int pick = random.nextInt(100);
        if (pick < 55) {
            return new Filing(subject, name, "ADDRESS_CHANGE", address(subject, random));
        }
        if (pick < 80) {
            return new Filing(subject, name, "CONTACT_CHANGE", contact(subject, random));
        }
        if (pick < 95) {
            return new Filing(subject, name, "NAME_CHANGE", rename(subject, random));
        }
        // A relative files the death report: the filer is another fresh subject.
        String relative = NationalIds.nth(nextSubject.getAndIncrement());
        return new Filing(relative, name(random), "DEATH_REPORT", death(subject, name, random));
    }

    private static String address(String subject, SplittableRandom random) {
        String[] place = PLACES[random.nextInt(PLACES.length)];
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("postalCode", place[0]);
        address.put("city", place[1]);
        address.put("district", place[2]);
        address.put("street", place[3]);
        address.put("number", (1 + random.nextInt(300)) + "號");
        address.put("floor", (1 + random.nextInt(20)) + "樓");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("address", address);
        LocalDate effective = LocalDate.now().plusDays(random.nextInt(30));
        return body("ADDRESS_CHANGE", subject, effective, data, chosen(random, "TPC", "TWC", "POST"));
    }

    private static String contact(String subject, SplittableRandom random) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("phone", String.format("09%08d", random.nextInt(100_000_000)));
        if (random.nextBoolean()) {
            data.put("email", "citizen" + random.nextInt(1_000_000) + "@example.tw");
        }
        return body("CONTACT_CHANGE", subject, LocalDate.now(), data, chosen(random, "TPC"));
    }

    private static String rename(String subject, SplittableRandom random) {
        return body(
                "NAME_CHANGE", subject, LocalDate.now(), Map.of("name", name(random)), chosen(random, "TPC", "TWC"));
    }

    private static String death(String subject, String name, SplittableRandom random) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(
                "dateOfDeath", LocalDate.now().minusDays(1 + random.nextInt(10)).toString());
        data.put("relationship", "子女");
        data.put("name", name);
        return body("DEATH_REPORT", subject, LocalDate.now(), data, List.of());
    }

    private static List<String> chosen(SplittableRandom random, String... consentAgencies) {
        List<String> chosen = new ArrayList<>();
        for (String agency : consentAgencies) {
            if (random.nextInt(100) < 40) {
                chosen.add(agency);
            }
        }
        return chosen;
    }

    private static String name(SplittableRandom random) {
        return SURNAMES[random.nextInt(SURNAMES.length)] + GIVEN[random.nextInt(GIVEN.length)];
    }

    private static String body(
            String type, String subject, LocalDate effective, Map<String, Object> data, List<String> notify) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("subjectId", subject);
        body.put("effectiveDate", effective.toString());
        body.put("data", data);
        if (!notify.isEmpty()) {
            body.put("notify", notify);
        }
        return JSON.writeValueAsString(body);
    }
}
