package io.matstore.serving.internal.admin;

import static io.matstore.serving.internal.HttpErrors.quote;

import io.matstore.store.QuarantinedVersion;
import io.matstore.store.ValidationReport;
import io.matstore.store.ViewStatus;
import java.util.List;
import java.util.Map;

/** JSON of the admin answers: version status and validation reports. Cold path, plain string building. */
final class AdminJson {
    private AdminJson() {}

    /** Every held version, and every version found unopenable at start and moved aside (for the operator). */
    static String statuses(List<ViewStatus> all, List<QuarantinedVersion> quarantined) {
        StringBuilder b = new StringBuilder("{\"versions\":[");
        for (int i = 0; i < all.size(); i++) {
            b.append(i == 0 ? "" : ",");
            status(b, all.get(i));
        }
        b.append("],\"quarantined\":[");
        for (int i = 0; i < quarantined.size(); i++) {
            QuarantinedVersion q = quarantined.get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"view\":")
                    .append(quote(q.view()))
                    .append(",\"version\":")
                    .append(q.version())
                    .append(",\"moved_to\":")
                    .append(quote(q.movedTo().toString()))
                    .append(",\"reason\":")
                    .append(quote(q.reason()))
                    .append(",\"rebuilding\":")
                    .append(q.rebuilding())
                    .append(",\"at_millis\":")
                    .append(q.atMillis())
                    .append('}');
        }
        return b.append("]}").toString();
    }

    static void status(StringBuilder b, ViewStatus s) {
        b.append("{\"view\":")
                .append(quote(s.view()))
                .append(",\"version\":")
                .append(s.version())
                .append(",\"current\":")
                .append(s.current())
                .append(",\"loaded\":")
                .append(s.loaded())
                .append(",\"phase\":")
                .append(quote(s.phase().name()))
                .append(",\"loaded_records\":")
                .append(s.loadedRecords())
                .append(",\"load_target_records\":")
                .append(s.loadTargetRecords())
                .append(",\"entries\":")
                .append(s.entries())
                .append(",\"lag\":")
                .append(s.totalLag())
                .append(",\"bytes_on_disk\":")
                .append(s.bytesOnDisk())
                .append(",\"bytes_mapped\":")
                .append(s.bytesMapped())
                .append(",\"near_cache_hit_ratio\":")
                .append(s.nearCacheHitRatio())
                .append(",\"last_caught_up_millis\":")
                .append(s.lastCaughtUpMillis())
                .append(",\"ingest_error\":")
                .append(s.ingestError() == null ? "null" : quote(s.ingestError()))
                .append(",\"partitions\":[");
        for (int i = 0; i < s.partitions().size(); i++) {
            ViewStatus.PartitionStatus p = s.partitions().get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"partition\":")
                    .append(p.partition())
                    .append(",\"offset\":")
                    .append(p.offset())
                    .append(",\"end_offset\":")
                    .append(p.endOffset())
                    .append(",\"lag\":")
                    .append(p.lag())
                    .append('}');
        }
        b.append("]}");
    }

    static String report(ValidationReport r) {
        StringBuilder b = new StringBuilder();
        report(b, r);
        return b.toString();
    }

    static void report(StringBuilder b, ValidationReport r) {
        b.append("{\"view\":")
                .append(quote(r.view()))
                .append(",\"candidate\":")
                .append(r.candidate())
                .append(",\"current\":")
                .append(r.current())
                .append(",\"passed\":")
                .append(r.passed())
                .append(",\"checks\":[");
        for (int i = 0; i < r.checks().size(); i++) {
            ValidationReport.Check c = r.checks().get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"name\":")
                    .append(quote(c.name()))
                    .append(",\"passed\":")
                    .append(c.passed())
                    .append(",\"numbers\":{");
            int j = 0;
            for (Map.Entry<String, Long> n : c.numbers().entrySet()) {
                b.append(j++ == 0 ? "" : ",")
                        .append(quote(n.getKey()))
                        .append(':')
                        .append(n.getValue());
            }
            b.append("},\"examples\":[");
            for (int k = 0; k < c.examples().size(); k++) {
                b.append(k == 0 ? "" : ",").append(quote(c.examples().get(k)));
            }
            b.append("]}");
        }
        b.append("]}");
    }
}
