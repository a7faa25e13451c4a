package org.apache.avro.data;

/** Avro 1.8's name of {@link TimeConversions.TimeMillisConversion}, which Hudi 0.14's generated classes use. */
public class TimeConversions$TimeConversion extends TimeConversions.TimeMillisConversion {}
