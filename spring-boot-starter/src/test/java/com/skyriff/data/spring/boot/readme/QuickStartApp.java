package com.skyriff.data.spring.boot.readme;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The README quick start's application: nothing but {@code @SpringBootApplication}. */
@SpringBootApplication
public class QuickStartApp {
}
