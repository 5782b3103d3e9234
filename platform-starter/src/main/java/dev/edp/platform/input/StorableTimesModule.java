package dev.edp.platform.input;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Dates and times in JSON bodies must lie in the years 1 to 9999. {@code java.time} reads
 * years up to ±999,999,999, PostgreSQL's {@code date} and {@code timestamptz} do not hold
 * them, and the insert then failed with a 500; now such a value is a 400
 * {@code MALFORMED_REQUEST_BODY} like any other value of the wrong shape. Registered with
 * the application's JSON mapper (Boot adds every {@code JacksonModule} bean).
 */
public final class StorableTimesModule extends SimpleModule {

    private static final Set<Class<?>> CHECKED = Set.of(Instant.class, OffsetDateTime.class, ZonedDateTime.class,
            LocalDate.class, LocalDateTime.class);

    /** The module. */
    public StorableTimesModule() {
        super("edp-storable-times");
        setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config,
                    BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
                return CHECKED.contains(description.getBeanClass()) ? new YearChecked(deserializer) : deserializer;
            }
        });
    }

    /**
     * @param value a date or time
     * @return whether its year (in UTC for instants) lies in 1 to 9999; true for anything
     * else
     */
    static boolean isStorable(Object value) {
        int year;
        if (value instanceof Instant instant) {
            year = instant.atOffset(ZoneOffset.UTC).getYear();
        }
        else if (value instanceof OffsetDateTime time) {
            year = time.getYear();
        }
        else if (value instanceof ZonedDateTime time) {
            year = time.getYear();
        }
        else if (value instanceof LocalDate date) {
            year = date.getYear();
        }
        else if (value instanceof LocalDateTime time) {
            year = time.getYear();
        }
        else {
            return true;
        }
        return year >= 1 && year <= 9999;
    }

    /** Jackson's own deserializer, then the year check. */
    private static final class YearChecked extends DelegatingDeserializer {

        YearChecked(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new YearChecked(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            Object value = super.deserialize(parser, context);
            if (!isStorable(value)) {
                throw context.weirdStringException(String.valueOf(value), handledType(),
                        "must lie in the years 1 to 9999");
            }
            return value;
        }

    }

}
