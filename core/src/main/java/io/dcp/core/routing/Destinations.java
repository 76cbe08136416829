package io.dcp.core.routing;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TableSetup;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The tables messages go to, each with its schema and mapper: one table, or one per message chosen
 * by a {@link TableRoute}; and, with schema evolution, the columns new fields add to them.
 *
 * <p>A routed table is opened the first time a message names it: its schema is its own schema file
 * ({@code table.schemas}) or the default one, the table is prepared through {@link TableSetup} when
 * one is given (created or completed as the config allows), and it gets its own mapper.
 *
 * <p>With {@code schema.evolution: add-columns}, mappers report payload fields that have no column
 * ({@link MappingResult.NewColumns}); {@link Destination#evolve} adds them to the table through the
 * {@link TableAdmin}, as NULLABLE, then maps the message with the wider schema. Evolution of one
 * table is serialised; other tables and messages that need no new column go on meanwhile.
 *
 * <p>Thread-safe. {@link #close} closes the table admin it was given.
 */
public final class Destinations implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Destinations.class.getName());

  private final Destination defaultDestination;
  private final Optional<TableRoute> route;
  private final int maxTables;
  private final Map<TableId, TableSchema> schemas;
  private final TableSchema defaultSchema;
  private final Function<TableSchema, MessageMapper> mappers;
  private final Optional<TableAdmin> admin;
  private final Optional<TableSetup> setup;
  private final boolean addColumns;
  private final Map<TableId, Destination> opened = new ConcurrentHashMap<>();

  private Destinations(Settings settings) throws SinkException {
    this.route = settings.route();
    this.maxTables = settings.maxTables();
    this.schemas = Map.copyOf(settings.schemas());
    this.defaultSchema = settings.defaultSchema();
    this.mappers = settings.mappers();
    this.admin = settings.admin();
    this.setup = settings.setup();
    this.addColumns = settings.addColumns();
    this.defaultDestination = open(settings.defaultTable());
  }

  /**
   * What the destinations are made of.
   *
   * @param defaultTable where messages go when there is no route, or the route names no table
   * @param defaultSchema the schema of the default table and of routed tables without their own
   * @param schemas the schema of each routed table that has its own
   * @param route the template that names a table per message
   * @param maxTables the most tables the route may open, the default one included
   * @param mappers makes the mapper for a schema (one that reports new columns under evolution)
   * @param admin reads and changes tables: needed for evolution; without a setup, it checks each
   *     existing table's column types against its schema on first sight
   * @param setup prepares each table on first sight (creates it, adds the schema file's columns)
   * @param addColumns {@code schema.evolution: add-columns}
   */
  public record Settings(
      TableId defaultTable,
      TableSchema defaultSchema,
      Map<TableId, TableSchema> schemas,
      Optional<TableRoute> route,
      int maxTables,
      Function<TableSchema, MessageMapper> mappers,
      Optional<TableAdmin> admin,
      Optional<TableSetup> setup,
      boolean addColumns) {
    public Settings {
      requireNonNull(defaultTable, "defaultTable");
      requireNonNull(defaultSchema, "defaultSchema");
      requireNonNull(schemas, "schemas");
      requireNonNull(route, "route");
      requireNonNull(mappers, "mappers");
      requireNonNull(admin, "admin");
      requireNonNull(setup, "setup");
      if (maxTables < 1) {
        throw new IllegalArgumentException("maxTables must be >= 1: " + maxTables);
      }
      if (addColumns && admin.isEmpty()) {
        throw new IllegalArgumentException("schema evolution needs a table admin");
      }
    }

    /** One table, its schema and mapper; no route, no evolution. */
    public static Settings single(TableId table, TableSchema schema, MessageMapper mapper) {
      return new Settings(
          table,
          schema,
          Map.of(),
          Optional.empty(),
          1,
          s -> mapper,
          Optional.empty(),
          Optional.empty(),
          false);
    }
  }

  /**
   * Opens the default table (prepared, and with evolution its live columns read) and returns the
   * destinations.
   *
   * @throws SinkException when the default table cannot be prepared or read
   */
  public static Destinations open(Settings settings) throws SinkException {
    return new Destinations(requireNonNull(settings, "settings"));
  }

  /** One table, its schema and mapper: no route, no evolution, no warehouse call. */
  public static Destinations single(TableId table, TableSchema schema, MessageMapper mapper) {
    try {
      return open(
          Settings.single(
              requireNonNull(table, "table"),
              requireNonNull(schema, "schema"),
              requireNonNull(mapper, "mapper")));
    } catch (SinkException e) {
      throw new IllegalStateException("one table with no setup opens without the warehouse", e);
    }
  }

  /** Closes the table admin, when there is one; the tables stay as they are. */
  @Override
  public void close() {
    admin.ifPresent(TableAdmin::close);
  }

  /** Where one message goes: a table, or the reason it cannot go anywhere. */
  public sealed interface Routed {
    /** The message goes to this table. */
    record To(Destination destination) implements Routed {}

    /**
     * No table takes the message, for good: it is dead-lettered at the map stage with this path and
     * reason.
     */
    record Unroutable(String path, String reason) implements Routed {}
  }

  /** Returns the default table's destination. */
  public Destination defaultDestination() {
    return defaultDestination;
  }

  /**
   * Finds, or opens, the table of {@code message}.
   *
   * @throws SinkException (transient) when a new table could not be prepared for now
   */
  public Routed route(Message message) throws SinkException {
    if (route.isEmpty()) {
      return new Routed.To(defaultDestination);
    }
    TableRoute.Resolution resolution = route.get().resolve(message);
    if (resolution instanceof TableRoute.Resolution.Invalid invalid) {
      return new Routed.Unroutable(
          invalid.where(),
          "value '"
              + shorten(invalid.value())
              + "' cannot be part of a table name (table.route "
              + route.get()
              + " takes letters, digits, _ and -)");
    }
    if (!(resolution instanceof TableRoute.Resolution.Named named)) {
      return new Routed.To(defaultDestination);
    }
    TableId table;
    try {
      table = TableId.parse(named.table());
    } catch (IllegalArgumentException e) {
      return new Routed.Unroutable(
          "", "table.route made '" + named.table() + "': " + e.getMessage());
    }
    Destination known = opened.get(table);
    if (known != null) {
      return new Routed.To(known);
    }
    synchronized (opened) {
      known = opened.get(table);
      if (known != null) {
        return new Routed.To(known);
      }
      if (opened.size() >= maxTables) {
        return new Routed.Unroutable(
            "",
            "table.route names table "
                + table
                + ", past the limit of "
                + maxTables
                + " tables; raise table.routeMaxTables if that many are expected");
      }
      try {
        return new Routed.To(open(table));
      } catch (SinkException e) {
        if (e.isTransient()) {
          throw e;
        }
        return new Routed.Unroutable("", e.getMessage());
      }
    }
  }

  /**
   * Returns the live schema of {@code table} as the warehouse has it now, or empty when there is no
   * table admin or no such table: what a dry run checks rows against.
   */
  public Optional<TableSchema> liveSchema(TableId table) throws SinkException {
    return admin.isPresent() ? admin.get().schema(table) : Optional.empty();
  }

  /** The tables opened so far, the default one first. */
  public List<TableId> tables() {
    List<TableId> tables = new ArrayList<>();
    tables.add(defaultDestination.table());
    opened.keySet().stream()
        .filter(t -> !t.equals(defaultDestination.table()))
        .sorted(java.util.Comparator.comparing(TableId::toString))
        .forEach(tables::add);
    return tables;
  }

  private Destination open(TableId table) throws SinkException {
    TableSchema schema = schemas.getOrDefault(table, defaultSchema);
    if (setup.isPresent()) {
      // The table admin logs each change it makes.
      setup.get().prepare(table, schema, Optional.empty());
    } else if (admin.isPresent()) {
      Optional<TableSchema> live = admin.get().schema(table);
      if (live.isPresent()) {
        TableSetup.checkTypes(admin.get(), table, schema, live.get());
      }
    }
    if (addColumns) {
      TableAdmin tableAdmin = admin.orElseThrow();
      Optional<TableSchema> live = tableAdmin.schema(table);
      if (live.isEmpty()) {
        // Without a table set-up only; the Beam job's admin refuses, naming the table.
        tableAdmin.create(table, schema, TableOptions.none());
      } else {
        // Columns added by an earlier run: new rows fill them instead of adding them again.
        schema = schema.merged(TableSetup.missing(live.get().fields(), schema.fields()));
      }
    }
    Destination destination = new Destination(table, schema);
    opened.put(table, destination);
    return destination;
  }

  private static String shorten(String value) {
    return value.length() <= 64 ? value : value.substring(0, 61) + "...";
  }

  /** One table, with the schema and mapper its rows are made with now. */
  public final class Destination {
    private final TableId table;
    private volatile Version current;

    private Destination(TableId table, TableSchema schema) {
      this.table = table;
      this.current = new Version(schema, mappers.apply(schema));
    }

    public TableId table() {
      return table;
    }

    /** The schema rows are mapped with now; a superset of every earlier one. */
    public TableSchema schema() {
      return current.schema();
    }

    /** Maps {@code message} with the current schema. */
    public MappingResult map(Message message) {
      return current.mapper().map(message);
    }

    /**
     * Adds {@code columns} the table still lacks, then maps {@code message} again.
     *
     * @throws SinkException when the warehouse refused the change (transient: try later)
     */
    public MappingResult evolve(Message message, List<Field> columns) throws SinkException {
      synchronized (this) {
        TableSchema schema = current.schema();
        List<Field> missing = TableSetup.missing(columns, schema.fields());
        if (!missing.isEmpty()) {
          TableAdmin tableAdmin = admin.orElseThrow();
          try {
            tableAdmin.addColumns(table, missing);
          } catch (SinkException e) {
            // Another writer of the table may have added them first.
            List<Field> live = tableAdmin.schema(table).map(TableSchema::fields).orElse(List.of());
            if (!TableSetup.missing(missing, live).isEmpty()) {
              throw e;
            }
          }
          TableSchema wider = schema.merged(missing);
          current = new Version(wider, mappers.apply(wider));
          LOG.log(
              Level.INFO,
              "schema.evolution: added NULLABLE columns {0} to table {1}",
              TableSetup.names(missing),
              table);
        }
      }
      return current.mapper().map(message);
    }

    /**
     * Maps {@code message} as {@code dcp run} does: under schema evolution, a message with new
     * fields first gets their columns ({@link #evolve}). A change the warehouse refuses for good,
     * or fields still without a column after it, reject the message at the {@code map} stage with
     * the reason that says so.
     *
     * @param clock the time of the dead letter
     * @throws SinkException (transient) when the columns could not be added for now: map the
     *     message again later
     */
    public MappingResult mapEvolving(Message message, Clock clock) throws SinkException {
      MappingResult result = map(message);
      if (!(result instanceof MappingResult.NewColumns added)) {
        return result;
      }
      try {
        result = evolve(message, added.columns());
      } catch (SinkException e) {
        if (e.isTransient()) {
          throw e;
        }
        return new MappingResult.Rejected(
            DeadLetter.of(
                message,
                Stage.MAP,
                "",
                "schema.evolution could not add columns "
                    + TableSetup.names(added.columns())
                    + " to table "
                    + table
                    + ": "
                    + e.getMessage(),
                clock.instant()));
      }
      if (result instanceof MappingResult.NewColumns still) {
        return new MappingResult.Rejected(
            DeadLetter.of(
                message,
                Stage.MAP,
                "",
                "fields "
                    + TableSetup.names(still.columns())
                    + " still have no column in table "
                    + table
                    + " after schema.evolution added them",
                clock.instant()));
      }
      return result;
    }

    /**
     * Maps {@code message} as it would map once {@code columns} were added, changing nothing: what
     * a dry run shows.
     */
    public MappingResult preview(Message message, List<Field> columns) {
      TableSchema schema = current.schema();
      return mappers
          .apply(schema.merged(TableSetup.missing(columns, schema.fields())))
          .map(message);
    }

    @Override
    public String toString() {
      return table.toString();
    }
  }

  private record Version(TableSchema schema, MessageMapper mapper) {}
}
