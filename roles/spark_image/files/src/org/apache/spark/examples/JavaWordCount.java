/*
 * Word count for the spark-alluxio image, written for the alluxio_spark.k8s collection (GPL-3.0-or-later).
 *
 * The Spark examples jar is not on Maven Central and not in the pyspark package, so the role compiles this class
 * against the image's Spark jars and ships it where the official images keep the examples
 * (/opt/spark/examples/jars/spark-examples.jar), under the class name the recipe's SparkApplication names.
 * Behaviour matches Spark's own example: lines are split on single spaces (so an empty line counts as the word ""),
 * and each distinct word is printed as "<word>: <count>" on the driver's stdout, in no particular order.
 */
package org.apache.spark.examples;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;

import scala.Tuple2;

public final class JavaWordCount {
  private static final Pattern SPACE = Pattern.compile(" ");

  private JavaWordCount() {
  }

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("Usage: JavaWordCount <file>");
      System.exit(1);
    }
    SparkConf conf = new SparkConf().setAppName("JavaWordCount");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      JavaPairRDD<String, Integer> counts = sc.textFile(args[0])
          .flatMap(line -> Arrays.asList(SPACE.split(line)).iterator())
          .mapToPair(word -> new Tuple2<>(word, 1))
          .reduceByKey(Integer::sum);
      List<Tuple2<String, Integer>> output = counts.collect();
      for (Tuple2<String, Integer> pair : output) {
        System.out.println(pair._1() + ": " + pair._2());
      }
    }
  }
}
