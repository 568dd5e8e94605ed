// The dashboard writes a postal address the way its country does.
import { describe, expect, it } from "vitest";
import { addressLines } from "../../dashboard/src/lib/postal-address.ts";

describe("postal addresses per country", () => {
  it.each([
    [{ line1: "2100 N Lincoln Ave", city: "Chicago", postalCode: "60614", region: "IL", countryCode: "US" }, ["2100 N Lincoln Ave", "Chicago, IL 60614"]],
    [{ line1: "350 5th Ave", line2: "Suite 4100", city: "New York", postalCode: "10118", region: "NY", countryCode: "US" }, ["350 5th Ave", "Suite 4100", "New York, NY 10118"]],
    [{ line1: "1 Main St", city: "Springfield", postalCode: "62701", countryCode: "US" }, ["1 Main St", "Springfield 62701"]],
    [{ line1: "100 Queen St W", city: "Toronto", postalCode: "M5H 2N2", region: "ON", countryCode: "CA" }, ["100 Queen St W", "Toronto, ON M5H 2N2"]],
    [{ line1: "1 Martin Pl", city: "Sydney", postalCode: "2000", region: "NSW", countryCode: "AU" }, ["1 Martin Pl", "Sydney NSW 2000"]],
    [{ line1: "101 Great Eastern Street", city: "London", postalCode: "EC2A 3JD", countryCode: "GB" }, ["101 Great Eastern Street", "London", "EC2A 3JD"]],
    [{ line1: "Calle de Alcalá 120", line2: "Local 2", city: "Madrid", postalCode: "28009", region: "Madrid", countryCode: "ES" }, ["Calle de Alcalá 120", "Local 2", "28009 Madrid"]],
    [{ line1: "Carrer de Balmes 1", city: "Sabadell", postalCode: "08201", region: "Barcelona", countryCode: "ES" }, ["Carrer de Balmes 1", "08201 Sabadell (Barcelona)"]],
    [{ line1: "Friedrichstraße 43", city: "Berlin", postalCode: "10117", region: "Berlin", countryCode: "DE" }, ["Friedrichstraße 43", "10117 Berlin"]],
    [{ line1: "8 Rue de Rivoli", city: "Paris", postalCode: "75004", countryCode: "FR" }, ["8 Rue de Rivoli", "75004 Paris"]],
    [{ line1: "Somewhere 5", city: "Tokyo", postalCode: "100-0001", region: "Chiyoda", countryCode: "JP" }, ["Somewhere 5", "100-0001 Tokyo, Chiyoda"]],
  ])("%o", (address, lines) => {
    expect(addressLines(address)).toEqual(lines);
  });

  it("never prints an empty line or a stray separator", () => {
    const lines = addressLines({ line1: "Unit 3", line2: "", city: "Austin", postalCode: "78701", region: "", countryCode: "us" });
    expect(lines).toEqual(["Unit 3", "Austin 78701"]);
  });
});
