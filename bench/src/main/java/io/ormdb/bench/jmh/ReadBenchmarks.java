package io.ormdb.bench.jmh;

import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.data.Scale;
import io.ormdb.bench.driver.Session;
import io.ormdb.bench.driver.Workload;
import io.ormdb.bench.systems.OrmStoreDriver;
import io.ormdb.bench.systems.RawMvStoreDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Micro-benchmarks of ORMDB ({@link io.ormdb.store.OrmStore}) against raw MVStore on the same data,
 * in one JVM (both use h2-mvstore 2.4.240): a point read by id and the 3-level graph fetch (100
 * users × 5 posts × 4 comments), each returning plain objects; and ORMDB alone on the application
 * shapes {@code movie}, {@code person} and {@code user} (one graph query each). Run with {@code
 * bench/run.sh jmh}; add {@code -prof gc} or {@code -prof stack} for allocation and hot-method
 * profiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
public class ReadBenchmarks {

  /** The data scale: {@code smoke} (a few thousand rows) or {@code quick}. */
  @Param({"quick"})
  public String scale;

  private Path dir;
  private OrmStoreDriver ormdb;
  private RawMvStoreDriver raw;
  private Session ormdbSession;
  private Session rawSession;
  private Dataset data;
  private final SplittableRandom random = new SplittableRandom(7);

  @Setup(Level.Trial)
  public void load() throws Exception {
    dir = Files.createTempDirectory("ormdb-jmh");
    data = new Dataset(Scale.named(scale), 20240601L);
    ormdb = new OrmStoreDriver();
    ormdb.load(data, dir.resolve("ormdb"));
    raw = new RawMvStoreDriver();
    raw.load(data, dir.resolve("raw"));
    ormdbSession = ormdb.session("", "embedded");
    rawSession = raw.session("", "embedded");
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    ormdb.close();
    raw.close();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private long itemId() {
    return 1 + random.nextInt(data.scale().items());
  }

  private long firstUser() {
    int count = Math.min(Workload.GRAPH_USERS, data.scale().users());
    return 1 + random.nextInt(data.scale().users() - count + 1);
  }

  @Benchmark
  public Map<String, Object> pointReadOrmdb() throws Exception {
    return ormdbSession.point(itemId());
  }

  @Benchmark
  public Map<String, Object> pointReadRawMvStore() throws Exception {
    return rawSession.point(itemId());
  }

  @Benchmark
  public List<Map<String, Object>> graph3Ormdb() throws Exception {
    return ormdbSession.users(firstUser(), Workload.GRAPH_USERS, 3);
  }

  @Benchmark
  public List<Map<String, Object>> graph3RawMvStore() throws Exception {
    return rawSession.users(firstUser(), Workload.GRAPH_USERS, 3);
  }

  @Benchmark
  public Map<String, Object> movieOrmdb() throws Exception {
    return ormdbSession.movie(1 + random.nextInt(data.scale().movies()));
  }

  @Benchmark
  public Map<String, Object> movieRawMvStore() throws Exception {
    return rawSession.movie(1 + random.nextInt(data.scale().movies()));
  }

  @Benchmark
  public Map<String, Object> personOrmdb() throws Exception {
    return ormdbSession.filmography(1 + random.nextInt(data.scale().people()));
  }

  @Benchmark
  public Map<String, Object> userOrmdb() throws Exception {
    return ormdbSession.viewerReviews(
        1 + random.nextInt(data.scale().viewers()), Workload.LATEST_REVIEWS);
  }
}
