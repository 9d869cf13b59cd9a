package tw.tongbao.adapters.transport;

import java.time.Clock;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.AdaptersProperties;
import tw.tongbao.adapters.instance.AdapterInstance;
import tw.tongbao.adapters.report.ReportRelay;
import tw.tongbao.adapters.resilience.AgencyControl;

/** What every dispatcher shares: storage, policies, switches, settings, and the changes recently parsed. */
record DispatchContext(
        DeliveryClaims claims,
        DeliverySettlement settlement,
        AgencyControl control,
        ReportRelay relay,
        AdaptersProperties properties,
        JsonMapper json,
        Clock clock,
        AdapterInstance instance,
        List<AttemptObserver> observers,
        ParsedChanges changes) {

    /** A context whose dispatchers share a cache of parsed changes of its own. */
    DispatchContext(
            DeliveryClaims claims,
            DeliverySettlement settlement,
            AgencyControl control,
            ReportRelay relay,
            AdaptersProperties properties,
            JsonMapper json,
            Clock clock,
            AdapterInstance instance,
            List<AttemptObserver> observers) {
        this(
                claims,
                settlement,
                control,
                relay,
                properties,
                json,
                clock,
                instance,
                observers,
                new ParsedChanges(json, ParsedChanges.CAPACITY));
    }
}
