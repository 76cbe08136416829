package io.dcp.runner.standalone;

import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.DeadLetterType;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.routing.Destinations;
import io.dcp.core.routing.TableRoute;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TableSetup;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The tables of a config, for {@code run} and {@code replay}: {@code table.id}, or those {@code
 * table.route} names, each with its schema and mapper; with {@code schema.evolution: add-columns},
 * mappers that report new fields.
 */
final class DestinationsFactory {
  private DestinationsFactory() {}

  /**
   * Opens the destinations, after checking that every schema fits the mapping.
   *
   * @param changeTables prepare tables through core's {@link TableSetup} as the config allows
   *     (create a missing one with {@code table.create}, or always in a warehouse that {@linkplain
   *     Warehouse#createsMissingTables creates missing tables}; add the schema file's columns; the
   *     dead-letter table too) and let evolution add columns; false changes nothing in the
   *     warehouse (a dry run)
   */
  static Destinations open(
      DcpConfig config, TableSchema schema, Warehouse warehouse, Clock clock, boolean changeTables)
      throws SinkException, SchemaException {
    return open(config, schema, warehouse, clock, changeTables, mapper -> mapper);
  }

  /**
   * Opens the destinations with {@code transformStep} put around each table's mapper (the message
   * transform, run before mapping).
   */
  static Destinations open(
      DcpConfig config,
      TableSchema schema,
      Warehouse warehouse,
      Clock clock,
      boolean changeTables,
      UnaryOperator<MessageMapper> transformStep)
      throws SinkException, SchemaException {
    return open(config, schema, Optional.of(warehouse), clock, changeTables, transformStep);
  }

  /**
   * The destinations with no warehouse at all, for {@code dcp validate}: routed and, with
   * evolution, reporting new fields as {@code dcp run} would, but reading and changing no table;
   * {@code transformStep} is put around each table's mapper as {@code dcp run} does.
   */
  static Destinations offline(
      DcpConfig config, TableSchema schema, Clock clock, UnaryOperator<MessageMapper> transformStep)
      throws SchemaException {
    try {
      return open(config, schema, Optional.empty(), clock, false, transformStep);
    } catch (SinkException e) {
      throw new IllegalStateException("destinations without a warehouse call none", e);
    }
  }

  private static Destinations open(
      DcpConfig config,
      TableSchema schema,
      Optional<Warehouse> warehouse,
      Clock clock,
      boolean changeTables,
      UnaryOperator<MessageMapper> transformStep)
      throws SinkException, SchemaException {
    DcpConfig.Table table = config.table();
    Map<TableId, TableSchema> schemas = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : table.schemas().entrySet()) {
      schemas.put(TableId.parse(e.getKey()), SchemaJson.read(Path.of(e.getValue())));
    }
    String sourceName = AdapterSections.sourceName(config);
    Function<TableSchema, MessageMapper> mappers =
        s -> {
          JsonMessageMapper mapper =
              JsonMessageMapper.create(s, config.mapping(), sourceName, clock);
          return transformStep.apply(table.addColumns() ? mapper.reportingNewColumns() : mapper);
        };
    // Every schema must fit the mapping before anything is read.
    mappers.apply(schema);
    schemas.values().forEach(mappers::apply);
    // A dry run reads the live tables too (their column types, their REQUIRED columns); offline
    // reads none.
    Optional<TableAdmin> admin =
        warehouse.isEmpty() ? Optional.empty() : Optional.of(warehouse.get().openTableAdmin());
    Optional<TableSetup> setup = Optional.empty();
    if (changeTables && warehouse.isPresent()) {
      boolean create = table.create() || warehouse.get().createsMissingTables();
      setup =
          Optional.of(
              new TableSetup(admin.get(), create, table.options(), table.addMissingColumns()));
      if (config.deadLetter().kind() instanceof DeadLetterType.Table) {
        // BigQuery's table admin logs each change it makes; a DuckDB file's tables appear quietly,
        // so the quickstart prints only its summary.
        setup.get().prepareDeadLetterTable(TableId.parse(config.deadLetter().table()));
      }
    }
    return Destinations.open(
        new Destinations.Settings(
            TableId.parse(table.id()),
            schema,
            schemas,
            table.route().isEmpty()
                ? Optional.empty()
                : Optional.of(TableRoute.parse(table.route())),
            table.routeMaxTables(),
            mappers,
            admin,
            setup,
            changeTables && table.addColumns()));
  }
}
