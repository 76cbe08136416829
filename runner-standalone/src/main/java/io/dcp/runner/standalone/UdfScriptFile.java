package io.dcp.runner.standalone;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the UDF script of {@code transform.javascript.path}: a local file, or a Cloud Storage
 * object ({@code gs://BUCKET/OBJECT}, the template's {@code javascriptTextTransformGcsPath}) read
 * with Google's storage client and the Application Default Credentials.
 */
final class UdfScriptFile {
  private static final String KEY = "transform.javascript.path";

  private UdfScriptFile() {}

  /** The script at {@code location}; a gs:// object through a client made for this one read. */
  static String read(String location) throws ConfigException {
    if (!location.startsWith("gs://")) {
      return read(location, null);
    }
    try (Storage storage = StorageOptions.getDefaultInstance().getService()) {
      return read(location, storage);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw problem(location + " cannot be read from Cloud Storage: " + e.getMessage());
    }
  }

  /** The script at {@code location}; a gs:// object through {@code storage}. */
  static String read(String location, Storage storage) throws ConfigException {
    if (!location.startsWith("gs://")) {
      try {
        return Files.readString(Path.of(location));
      } catch (IOException e) {
        throw problem(location + " is unreadable: " + e.getMessage());
      }
    }
    BlobId blob;
    try {
      blob = BlobId.fromGsUtilUri(location);
    } catch (IllegalArgumentException e) {
      throw problem(location + " is not a Cloud Storage object: write gs://BUCKET/PATH.js");
    }
    try {
      return new String(storage.readAllBytes(blob), StandardCharsets.UTF_8);
    } catch (StorageException e) {
      throw problem(
          location
              + (e.getCode() == 404
                  ? " does not exist"
                  : " cannot be read from Cloud Storage: " + e.getMessage()));
    }
  }

  private static ConfigException problem(String message) {
    return new ConfigException(List.of(new ConfigProblem(KEY, message)));
  }
}
